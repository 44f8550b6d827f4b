# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A Spark session on this machine, for ``runtime.spark``, and its errors as one line.

Spark runs in this process's own JVM (``local[2]``), bound to the loopback
interface, with no web UI and no progress bars; the JVM's start-up lines and log
go nowhere, since what goes wrong reaches Python as an exception, and
``one_line`` makes that one line (a worker's exception as the worker raised it,
not the Python and Java stack traces around it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from py4j.protocol import Py4JError
from pyspark import SparkConf, SparkContext
from pyspark.errors import PySparkException
from pyspark.java_gateway import launch_gateway
from pyspark.sql import SparkSession

from .errors import ServiceError

__all__ = ["MASTER", "PANDAS_WARNING", "one_line", "session"]

MASTER = "local[2]"
# pyspark warns about any pandas 3 it meets, on every conversion and once more as the
# process exits (after the command has said what it did); the conversions used here
# work and are tested, so the warning would only alarm the user.
PANDAS_WARNING = "PySpark does not yet fully support pandas"
warnings.filterwarnings("ignore", PANDAS_WARNING, FutureWarning)
_CONFIG = {
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    "spark.sql.session.timeZone": "UTC",
    "spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs": "false",
    # The only shuffles are counts of a few rows: Spark's 200 tasks each cost more
    # than the counting (100k rows: 11 s -> 7 s).
    "spark.sql.shuffle.partitions": "2",
}


@contextmanager
def session(master: str = MASTER) -> Iterator[SparkSession]:
    """This process's active Spark session, or one started on this machine (with
    its JVM) for the block and stopped after it."""
    active = SparkSession.getActiveSession()
    if active is not None:
        yield active
        return
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise ServiceError(
            "--engine spark needs Java 17 or later: no `java` on the PATH and no "
            "JAVA_HOME"
        )
    # Spark binds to the interface the host name resolves to unless told otherwise.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    conf = SparkConf().setMaster(master).setAppName("score")
    conf.setAll(_CONFIG.items())
    # Workers import the service as this process does (its package, PYTHONPATH).
    conf.set("spark.executorEnv.PYTHONPATH", os.pathsep.join(p for p in sys.path if p))
    try:
        # The JVM's start-up lines and log go nowhere: errors reach us as
        # exceptions. A JVM started earlier in this process is used again.
        gateway = SparkContext._gateway or launch_gateway(
            conf, popen_kwargs={"stderr": subprocess.DEVNULL}
        )
        context = SparkContext(conf=conf, gateway=gateway)
    except (PySparkException, Py4JError, OSError) as error:
        raise ServiceError(f"Spark did not start: {one_line(error)}") from error
    context.setLogLevel("ERROR")
    spark = SparkSession(context)
    try:
        yield spark
    finally:
        spark.stop()


def one_line(error: BaseException) -> str:
    """What went wrong, in one line: a worker's exception as the worker raised it,
    not the Python and Java stack traces around it."""
    text = str(error)
    raised = re.findall(r"^\s*((?:[\w.]+\.)?\w*(?:Error|Exception): .+)$", text, re.M)
    line = raised[-1] if raised else next(iter(text.strip().splitlines()), "")
    return " ".join(line.split()) or type(error).__name__
