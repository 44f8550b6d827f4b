# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Every error a service raises on purpose.

ServiceError                 base: the CLI turns it into one line and exit code 1
 +-- ContractError           input data cannot be checked at all (not a bad row)
 +-- DataError               a data file cannot be read or written
 +-- FeatureError            features cannot be built (e.g. nothing to impute from)
 +-- SerializationError      a frame cannot become the model's float matrix
 +-- ArtifactError           a model artifact is missing, tampered or incompatible
 |    +-- NoAliasError       a registry alias (e.g. challenger) names no version
 +-- TrainingError           training refused to produce an artifact
 +-- MonitoringError         drift or performance cannot be measured
 +-- BudgetError             the measured need exceeds spec.yaml's resources
 +-- FeatureStoreError       the precomputed feature store cannot serve a lookup
      +-- MissingEntityError an entity has no precomputed features
      +-- StaleFeatureError  an entity's features are older than max_age (or
      |                      their computation time is missing or in the future)
      +-- NullFeatureError   an entity's features hold no finite value

Bad rows are not exceptions: the contract reports them as rejects with reasons.
Exceptions never print; callers decide how to show them.
"""

from __future__ import annotations


class ServiceError(Exception):
    """Base class of every error a service raises on purpose."""


class ContractError(ServiceError):
    """Input data cannot be checked against the contract (wrong shape, not a record)."""


class DataError(ServiceError):
    """A data file cannot be read or written."""


class FeatureError(ServiceError):
    """Features cannot be built from the given frame."""


class SerializationError(ServiceError):
    """A feature frame cannot be turned into the model's input matrix.

    ``column`` and ``row`` name the offending cell when there is one.
    """

    def __init__(
        self, message: str, column: str | None = None, row: object = None
    ) -> None:
        super().__init__(message)
        self.column = column
        self.row = row


class ArtifactError(ServiceError):
    """A model artifact cannot be loaded safely or does not fit this code."""


class NoAliasError(ArtifactError):
    """A registry alias is not set: nothing is broken, there is no such model yet."""


class TrainingError(ServiceError):
    """Training did not produce an artifact (too little data, metric below bar)."""


class MonitoringError(ServiceError):
    """Drift or performance cannot be measured from the given data."""


class BudgetError(ServiceError):
    """What the service measurably needs exceeds spec.yaml's ``resources``."""


class FeatureStoreError(ServiceError):
    """The precomputed feature store is missing, unreadable or from another spec."""


class MissingEntityError(FeatureStoreError):
    """Some entities have no precomputed features; ``entities`` lists them."""

    def __init__(self, message: str, entities: list[str]) -> None:
        super().__init__(message)
        self.entities = entities


class StaleFeatureError(FeatureStoreError):
    """Some entities' features cannot count as fresh: older than ``max_age``, or
    computed at a time that is missing, unreadable or in the future. ``entities``
    lists them; ``reasons`` says why, by entity."""

    def __init__(
        self, message: str, entities: list[str], reasons: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.entities = entities
        self.reasons = reasons or {}


class NullFeatureError(FeatureStoreError):
    """Some entities' precomputed features hold no finite value (the batch could
    not compute them), which the model cannot score. ``entities`` lists them;
    ``reasons`` names the columns, by entity."""

    def __init__(
        self, message: str, entities: list[str], reasons: dict[str, str]
    ) -> None:
        super().__init__(message)
        self.entities = entities
        self.reasons = reasons


def in_one_line(error: BaseException, *, named: bool = False) -> str:
    """``error``'s message on one line (a library's spans several), or its type
    when it has none; with ``named``, always after its type, for an exception
    raised by code that is not ours, whose message alone may say little."""
    if named:
        return " ".join(f"{type(error).__name__}: {error}".split())
    return " ".join(str(error).split()) or type(error).__name__
