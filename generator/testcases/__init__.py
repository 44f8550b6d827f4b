"""The generated tests' cases, derived from the spec field by field and rule by rule.

Expected values come from our own scalar interpreter (`expressions.evaluate`), not from the
generated vectorized code, so each generated test compares two independent implementations.

A case is written compactly as a base record (`example`, `minimums` or `maximums`, given
once in `bases`) plus `changes` (field -> value) and `drop` (fields to remove): a spec with
400 fields then yields a test data file of kilobytes, not of tens of megabytes.

`records` builds the base records; `contract`, `features` and `decisions` each build one
kind of case on them; `building` puts them together.
"""

from .building import CASE_KINDS, CaseBuilder, build_cases
from .cases import AS_OF, UNKNOWN_FIELD, case

__all__ = ["AS_OF", "CASE_KINDS", "UNKNOWN_FIELD", "CaseBuilder", "build_cases", "case"]
