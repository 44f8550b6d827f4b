# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The modelplate runtime: everything a generated service does the same for every spec.

It lives once, in modelplate's repository, where its own tests run. Each generated
repository carries a copy as the sub-package ``<package>.runtime`` (so two services
in one environment never clash and the repository installs from the package index
alone); ``modelplate update`` replaces that copy wholesale and reports, never
overwrites, an owner's edit to it.

The runtime never imports the service's own modules: they describe the service as
data (``definition.Service``: the contract table, the feature functions, the
decision rules, the model settings, ...) and pass it in. Every import inside this
package is relative, so the same files work here and vendored.
"""

__version__ = "1.0.0"

# The runtime's import layers, top to bottom: a module imports only from layers below
# its own ("a : b" are siblings that may import each other). Each generated
# pyproject.toml declares them for import-linter; modelplate's tests hold every module
# of the runtime to them.
LAYERS = (
    "cli",
    "commands : scorecommand : monitorcommand : review : ops : promotion",
    "monitorrun",
    "program",
    "http : manifests",
    "following",
    "sizing : report : distributed : spark : serving",
    "pages",
    "timeline",
    "monitoring : performance : recent : recording : comparison : outcomes"
    " : workers",
    "pipeline : training : versions",
    "selection",
    "refusals",
    "precomputing : record : io : model : openapi : requests : bodies : middleware"
    " : alerts",
    "store",
    "sqlitestore : redisstore",
    "mlflow_registry",
    "registry",
    "contract : features : decisions : drift : telemetry : artifact : freshness : odcs"
    " : predictionlog : shadow : logrows",
    "converters",
    "csvfile : rules : serialization : statistics : functions : calibration"
    " : yamltext : promql : estimation : featurecalibration : references : learners"
    " : charts"
    " : sparksession",
    "columnparse",
    "labels",
    "files",
    "definition : errors",
)

__all__ = ["LAYERS", "__version__"]
