"""The inferred spec as YAML text, with a comment wherever a guess needs a reason.

Written line by line rather than dumped, so that each comment sits next to the line it
explains, trailing at `COMMENT_COLUMN` as in examples/churn.yaml, or above the line when
it would not fit in `WIDTH` characters.
"""

from __future__ import annotations

import textwrap

from .candidates import candidates, describe
from .columns import Column, summarize
from .ranges import RANGE_MARGIN, readable
from .reading import Sample
from .scalars import scalar
from .task import Target

COMMENT_COLUMN = 34
WIDTH = 88


def write_spec(sample: Sample, name: str, fields: list[Column], target: Target) -> str:
    """The YAML text of the spec for the service `name`."""
    return _SpecWriter().write(sample, name, fields, target)


class _SpecWriter:
    """Writes the spec line by line, with comments where a guess needs a reason."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def line(self, indent: int, text: str, comment: str = "") -> None:
        body = " " * indent + text
        if comment:
            trailing = f"{body.ljust(COMMENT_COLUMN - 2)}  # {comment}"
            if len(trailing) > WIDTH:  # too long to trail: it goes above the line
                self.comment(indent, comment)
            else:
                body = trailing
        self.lines.append(body.rstrip())

    def comment(self, indent: int, text: str) -> None:
        for part in textwrap.wrap(
            text, width=WIDTH - indent - 2, break_long_words=False
        ):
            self.lines.append(" " * indent + f"# {part}")

    def blank(self) -> None:
        self.lines.append("")

    def write(
        self, sample: Sample, name: str, fields: list[Column], target: Target
    ) -> str:
        self.header(sample)
        self.line(0, "spec_version: 1")
        self.blank()
        self.line(0, f"name: {scalar(name)}")
        self.line(
            0,
            "description: "
            + scalar(f"Predicts {target.source}, inferred from {sample.path.name}"),
        )
        self.blank()
        self.inputs(fields)
        self.features(fields)
        self.model(fields, target, _rows(sample))
        return "\n".join(self.lines) + "\n"

    def header(self, sample: Sample) -> None:
        rows, data = len(sample.frame), sample.path.name
        if sample.complete:
            read = f"all {rows:,} rows of {data}"
        elif sample.total_rows is None:
            read = f"the first {rows:,} rows of {data} (the file has more)"
        else:
            read = f"the first {rows:,} of {sample.total_rows:,} rows of {data}"
        self.comment(0, f"Inferred by `modelplate infer` from {read}.")
        self.comment(
            0,
            "Every type, range, category list and id below is what that sample shows, not",
        )
        self.comment(
            0,
            "what the producers promise: review each one before the spec is the contract.",
        )

    def inputs(self, fields: list[Column]) -> None:
        self.comment(
            0,
            "The contract with the producers. Ranges: the observed range widened by "
            f"{RANGE_MARGIN:.0%} of its span",
        )
        self.comment(
            0,
            "on each side and rounded, so the first value just past the sample's extremes",
        )
        self.comment(
            0,
            "is not rejected; never below 0 where no value was; dates get a min only.",
        )
        self.line(0, "inputs:")
        self.line(2, "unknown_fields: reject", "reject | ignore")
        self.line(2, "fields:")
        for column in fields:
            self.field(column)

    def field(self, column: Column) -> None:
        self.comment(4, summarize(column))
        self.line(4, f"{scalar(column.name)}:")
        if column.name != column.source:
            self.line(
                6,
                f"wire_name: {scalar(column.source)}",
                "the column's name in the data",
            )
        self.line(6, f"type: {column.type}")
        if column.role:
            self.line(6, f"role: {column.role}", column.notes[0])
        if column.pattern:
            self.line(
                6, f"pattern: {scalar(column.pattern)}", "every id has this shape"
            )
        if column.nullable:
            self.line(6, "nullable: true", f"{column.nulls / column.rows:.1%} null")
        if column.min is not None:
            seen = f"observed {readable(column.low)} to {readable(column.high)}"
            self.line(6, f"min: {scalar(column.min)}", seen)
        if column.max is not None:
            self.line(6, f"max: {scalar(column.max)}")
        if column.values:
            self.values(6, column.values)
        if column.impute:
            self.line(6, f"impute: {column.impute}", "learned at training time")
        for note in column.notes[1 if column.role else 0 :]:
            self.comment(6, note)

    def values(self, indent: int, values: list[str]) -> None:
        flow = "values: [" + ", ".join(scalar(v) for v in values) + "]"
        if indent + len(flow) <= WIDTH:
            self.line(indent, flow, "most frequent first")
            return
        self.line(indent, "values:", "most frequent first")
        for value in values:
            self.line(indent + 2, f"- {scalar(value)}")

    def features(self, fields: list[Column]) -> None:
        encoded = [c for c in fields if c.type == "category"]
        if not encoded:
            return
        self.blank()
        self.comment(0, "A category field reaches the model only through an encoding.")
        self.line(0, "features:")
        for column in encoded:
            self.line(2, f"{scalar(column.name)}:")
            self.line(4, "encode: one_hot")

    def model(self, fields: list[Column], target: Target, rows: int | None) -> None:
        self.blank()
        self.comment(
            0, f"The model. The task follows from the target column {target.source!r}:"
        )
        self.comment(0, f"{target.note}.")
        self.line(0, "model:")
        self.line(2, f"task: {target.task}")
        self.line(2, "target:")
        renamed = target.name != target.source
        self.line(
            4,
            f"name: {scalar(target.name)}",
            f"the data calls it {target.source!r}: rename it there" if renamed else "",
        )
        self.line(4, f"type: {target.type}")
        if target.values:
            self.values(4, target.values)
        self.line(2, f"metric: {target.metric}")
        self.comment(
            2,
            "Candidates: `train` scores each by cross-validation on the training "
            f"split and keeps the best ({describe(rows)}).",
        )
        self.line(2, "algorithm: [" + ", ".join(candidates(target.task, rows)) + "]")
        if any(not c.model_input for c in fields):
            self.line(2, "features:", "every input but the extra id-like columns")
            for column in fields:
                usable = column.type in ("integer", "float", "boolean", "category")
                if column.model_input and column.role is None and usable:
                    self.line(4, f"- {scalar(column.name)}")


def _rows(sample: Sample) -> int | None:
    """How many rows the file has, when known."""
    return len(sample.frame) if sample.complete else sample.total_rows
