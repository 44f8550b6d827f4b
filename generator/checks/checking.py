"""Applying every rule of a spec, group by group."""

from __future__ import annotations

from ..errors import SpecError
from ..spec import Spec
from .checked import CheckedSpec
from .columns import ModelRules
from .features import FeatureRules
from .fields import FieldRules
from .operations import OperationRules


class _Checker(FieldRules, FeatureRules, ModelRules, OperationRules):
    """All the rules; the order of `check_spec`'s calls is the order problems are listed."""


def check_spec(spec: Spec) -> CheckedSpec:
    """Apply every cross-field rule; raise SpecError listing all problems."""
    checker = _Checker(spec)
    checker.fields()
    features = checker.features()
    columns = checker.model()
    rules = checker.decisions(features)
    checker.precompute(features)
    checker.monitoring()
    if checker.problems:
        raise SpecError(checker.problems)
    return CheckedSpec(spec, features, rules, columns, checker.notes)
