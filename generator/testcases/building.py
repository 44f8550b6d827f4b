"""Building every kind of case for one checked spec."""

from __future__ import annotations

from ..checks import CheckedSpec
from .cases import AS_OF
from .contract import ContractCases
from .decisions import DecisionCases
from .features import FeatureCases


class CaseBuilder(ContractCases, FeatureCases, DecisionCases):
    """Every kind of case, on one set of base records."""


CASE_KINDS = (
    "valid_records",
    "contract_cases",
    "feature_cases",
    "encoding_cases",
    "decision_cases",
)


def build_cases(checked: CheckedSpec) -> dict:
    builder = CaseBuilder(checked)
    return {
        "as_of": AS_OF,
        "bases": builder.bases,
        "imputation": builder.imputation,
        "valid_records": builder.valid_records(),
        "contract_cases": builder.contract_cases(),
        "feature_cases": builder.feature_cases(),
        "encoding_cases": builder.encoding_cases(),
        "decision_cases": builder.decision_cases(),
        "feature_ranges": {
            f.name: list(f.range)
            for f in checked.spec.features.values()
            if f.range is not None
        },
    }
