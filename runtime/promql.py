# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The four shapes of PromQL an alerting rule here takes, as data.

A rule's expression is written from one of these (``runtime.alerts``), and the
tests build synthetic series on either side of its threshold from the same
object, so an expression and its tests cannot disagree. Numbers are written in
full (``number``): a threshold is the spec's, not a rounding of it.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Level", "Quantile", "Rate", "Ratio", "Selector", "Signal", "number"]

# Rates are read over this window: a few scrapes at the usual 15-60 s interval.
WINDOW = "5m"


def number(value: float) -> str:
    """The shortest text that reads back as ``value`` ("0.05", "50", "1e-07")."""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


@dataclass(frozen=True)
class Selector:
    """A series selector: a metric name and (label, operator, value) matchers."""

    metric: str
    matchers: tuple[tuple[str, str, str], ...] = ()

    def promql(self) -> str:
        if not self.matchers:
            return self.metric
        inner = ",".join(f'{label}{op}"{value}"' for label, op, value in self.matchers)
        return f"{self.metric}{{{inner}}}"


@dataclass(frozen=True)
class Ratio:
    """The rate of ``numerator`` over that of ``denominator``, above ``threshold``."""

    numerator: Selector
    denominator: Selector
    threshold: float

    def promql(self) -> str:
        top = f"sum(rate({self.numerator.promql()}[{WINDOW}]))"
        bottom = f"sum(rate({self.denominator.promql()}[{WINDOW}]))"
        return f"{top} / {bottom} > {number(self.threshold)}"


@dataclass(frozen=True)
class Rate:
    """A counter's rate (per second), above ``threshold``."""

    counter: Selector
    threshold: float = 0.0

    def promql(self) -> str:
        return (
            f"sum(rate({self.counter.promql()}[{WINDOW}])) > {number(self.threshold)}"
        )


@dataclass(frozen=True)
class Quantile:
    """A quantile of a histogram's observations, above ``threshold``."""

    buckets: Selector  # the histogram's ``_bucket`` series
    quantile: float
    threshold: float

    def promql(self) -> str:
        rate = f"sum by (le) (rate({self.buckets.promql()}[{WINDOW}]))"
        return f"histogram_quantile({number(self.quantile)}, {rate}) > {number(self.threshold)}"


@dataclass(frozen=True)
class Level:
    """A gauge compared with ``threshold``; each series breaking it alerts alone,
    with its labels (a drifting column is named)."""

    gauge: Selector
    op: str  # ">=", "<", ">" or "=="
    threshold: float

    def promql(self) -> str:
        return f"{self.gauge.promql()} {self.op} {number(self.threshold)}"


Signal = Ratio | Rate | Quantile | Level
