"""The spec language's vocabulary: every section, key, type, default and an example.

This table is the single source for three things: which keys a mapping accepts (anything
else is an "unknown key" with a "did you mean"), the defaults the reader fills in, and the
reference page `docs/spec.md` (rendered by `reference.py`, checked by a test).
"""

from __future__ import annotations

from dataclasses import dataclass

from .runtime.learners import LEARNERS, names_for

SPEC_VERSIONS = (1,)
FIELD_TYPES = ("integer", "float", "boolean", "string", "category", "date", "datetime")
NUMERIC_TYPES = ("integer", "float")
TEMPORAL_TYPES = ("date", "datetime")
IMPUTE_STRATEGIES = ("mean", "median", "most_frequent", "constant")
TASKS = ("binary_classification", "multiclass_classification", "regression")
ENCODINGS = ("one_hot",)

# The learners each task can use: the runtime's table (runtime/learners.py), which
# also knows each one's parameters; it imports no learning library to be read.
ALGORITHMS = {task: names_for(task) for task in TASKS}
# The learners a generated project installs only with an extra of the same name.
EXTRA_LEARNERS = tuple(n for n, learner in LEARNERS.items() if learner.extra)

# metric -> (tasks it fits, greater is better, default threshold or None for no gate)
METRICS = {
    "roc_auc": (("binary_classification",), True, 0.55),
    "average_precision": (("binary_classification",), True, None),
    "accuracy": (("binary_classification", "multiclass_classification"), True, None),
    "f1": (("binary_classification",), True, None),
    "f1_macro": (("multiclass_classification",), True, None),
    "log_loss": (("binary_classification", "multiclass_classification"), False, None),
    "r2": (("regression",), True, 0.0),
    "rmse": (("regression",), False, None),
    "mae": (("regression",), False, None),
}
DEFAULT_METRIC = {
    "binary_classification": "roc_auc",
    "multiclass_classification": "accuracy",
    "regression": "r2",
}
# Which target types each task can learn from.
TARGET_TYPES = {
    "binary_classification": ("boolean", "category", "integer"),
    "multiclass_classification": ("category", "integer", "string"),
    "regression": ("float", "integer"),
}
DRIFT_METHODS = ("psi", "ks")


# Who keeps model versions and aliases (runtime.registry, runtime.mlflow_registry).
REGISTRIES = ("folder", "mlflow")
MLFLOW_ROOT = "models:/"


@dataclass(frozen=True)
class Key:
    """One key of a mapping in the spec language."""

    name: str
    type: str
    doc: str
    default: str = "required"
    example: str = ""


@dataclass(frozen=True)
class Section:
    """A mapping of the spec language: where it sits and which keys it takes."""

    path: str
    doc: str
    keys: tuple[Key, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(key.name for key in self.keys)


TOP = Section(
    "(top level)",
    "The spec file.",
    (
        Key(
            "spec_version", "integer", "Version of the spec language.", "required", "1"
        ),
        Key(
            "name",
            "name",
            "Service name: lower-case letters, digits and '-' (becomes the distribution "
            "and console script; '-' becomes '_' in the package name).",
            "required",
            "churn-predictor",
        ),
        Key("description", "text", "What the service does, one sentence.", '""'),
        Key("owner", "text", "Who answers for the service (team or e-mail).", '""'),
        Key("inputs", "mapping", "The input contract (section `inputs`).", "required"),
        Key("features", "mapping of name -> feature", "Derived features.", "{}"),
        Key("model", "mapping", "The model (section `model`).", "required"),
        Key("decisions", "mapping", "Business rules over the model output.", "none"),
        Key("precompute", "mapping", "Features computed ahead of time.", "none"),
        Key("resources", "mapping", "The budget the service must fit.", "see section"),
        Key(
            "monitoring", "mapping", "Drift and performance monitoring.", "see section"
        ),
    ),
)

INPUTS = Section(
    "inputs",
    "The strict contract with the producers of the input data (lessons 0 and 2).",
    (
        Key(
            "unknown_fields",
            "reject | ignore",
            "What to do with a field the contract does not list.",
            "reject",
            "reject",
        ),
        Key(
            "fields",
            "mapping of name -> field",
            "The input fields, in order.",
            "required",
        ),
    ),
)

FIELD = Section(
    "inputs.fields.<name>",
    "One input field. Its name must be a safe identifier (letters, digits, '_').",
    (
        Key(
            "type", " | ".join(FIELD_TYPES), "The field's type.", "required", "integer"
        ),
        Key("nullable", "boolean", "Whether null is allowed.", "false", "true"),
        Key(
            "min",
            "number (date text for date/datetime)",
            "Smallest allowed value.",
            "none",
            "0",
        ),
        Key(
            "max",
            "number (date text for date/datetime)",
            "Largest allowed value.",
            "none",
            "600",
        ),
        Key(
            "values",
            "list of text",
            "The allowed values of a `category` field (required there).",
            "none",
            "[card, bank-transfer]",
        ),
        Key(
            "pattern",
            "regular expression",
            "A `string` field's values must match it (whole value).",
            "none",
            '"^C[0-9]{6}$"',
        ),
        Key(
            "role",
            "id",
            "`id`: identifies a record; never a model input.",
            "none",
            "id",
        ),
        Key(
            "impute",
            " | ".join(IMPUTE_STRATEGIES),
            "How to fill a null, learned at training time and stored with the model.",
            "none",
            "median",
        ),
        Key(
            "fill_value",
            "number or text",
            "The value for `impute: constant`.",
            "none",
            "0",
        ),
        Key("unit", "text", "Unit of measure, for people.", "none", "USD"),
        Key(
            "wire_name",
            "text",
            "The name the producer sends, when it is not a safe identifier (written by modelplate infer).",
            "the field name",
            '"Monthly Charges ($)"',
        ),
        Key(
            "producer",
            "text",
            "The system that sends this field.",
            "none",
            "billing-db",
        ),
        Key("description", "text", "What the field means.", '""'),
    ),
)

FEATURE = Section(
    "features.<name>",
    "A derived feature: an expression over input fields, an encoding of a category field, "
    "or a custom feature written in Python (lesson 1). Exactly one of `expr`, `encode` "
    "and `custom: true`.",
    (
        Key(
            "expr",
            "expression",
            "The feature, in the expression language (see below).",
            "none",
            "total_charges / tenure_months",
        ),
        Key(
            "encode",
            " | ".join(ENCODINGS),
            "Encode a category field; the field is `field` or the feature's own name.",
            "none",
            "one_hot",
        ),
        Key(
            "field",
            "field name",
            "The category field an encoding reads.",
            "the feature name",
        ),
        Key(
            "custom",
            "boolean",
            "A feature the owners write in Python: the project gets a function stub in "
            "`src/<package>/custom/<name>.py`, created once and never overwritten, and "
            "tests of its output type and range.",
            "false",
            "true",
        ),
        Key(
            "dtype",
            "float | boolean",
            "The type of a custom feature's values.",
            "float",
            "float",
        ),
        Key(
            "range",
            "[low, high]",
            "The range the feature must stay in; modelplate proves it from the input "
            "ranges and the generated tests check it.",
            "none",
            "[0, 50]",
        ),
        Key(
            "on_divide_by_zero",
            "number",
            "Value of a division whose denominator is 0; required wherever a denominator "
            "can be 0.",
            "none",
            "0",
        ),
        Key("description", "text", "What the feature means.", '""'),
    ),
)

TARGET = Section(
    "model.target",
    "The column the model learns to predict; never a model input.",
    (
        Key("name", "name", "Column name in the training data.", "required", "churned"),
        Key(
            "type",
            " | ".join(FIELD_TYPES[:5]),
            "Its type; must fit the task.",
            "required",
            "boolean",
        ),
        Key("values", "list of text", "Class labels of a category target.", "none"),
    ),
)

MODEL = Section(
    "model",
    "The model, trained by the generated project and loaded once at start (lessons 3, 7).",
    (
        Key(
            "task",
            " | ".join(TASKS),
            "What the model predicts.",
            "required",
            "regression",
        ),
        Key("target", "mapping", "The target (section `model.target`).", "required"),
        Key(
            "algorithm",
            "a name, or a list of names",
            "The learner. Classification: "
            + ", ".join(ALGORITHMS["binary_classification"])
            + ". Regression: "
            + ", ".join(ALGORITHMS["regression"])
            + ". A list names candidates: `train` scores each by cross-validation on "
            "the training split (5 folds, fewer on small data; stratified for "
            "classifiers) with `metric`, prints every score, and keeps the best. "
            + ", ".join(EXTRA_LEARNERS)
            + " are installed by the generated project's extra of the same name, "
            "which its `[train]` extra includes when the spec names them.",
            "hist_gradient_boosting",
            "[logistic_regression, random_forest, hist_gradient_boosting]",
        ),
        Key(
            "params",
            "mapping",
            "Hyperparameters, by the estimator's own names (checked: a typo is an "
            "error with a suggestion); values are numbers, text, true/false or null. "
            "One algorithm: `{name: value}`; a list: one mapping per candidate, "
            "`{lightgbm: {num_leaves: 15}}`. The seed (`random_state`), `n_jobs` and "
            "verbosity are set by `seed` and the runtime.",
            "the learner's defaults",
            "{max_iter: 300}",
        ),
        Key(
            "artifact",
            "path or fsspec URI",
            "The model registry: every `train` adds a version there, `promote` moves "
            "the `champion` and `challenger` aliases, serving loads the champion.",
            "artifacts/model (folder), models:/<project.name> (mlflow)",
        ),
        Key(
            "registry",
            " | ".join(REGISTRIES),
            "Who keeps the versions: a folder or fsspec URI (`artifact`), or an MLflow "
            "tracking server (`MLFLOW_TRACKING_URI`; the `[mlflow]` extra).",
            "folder",
            "mlflow",
        ),
        Key(
            "metric",
            " | ".join(METRICS),
            "Held-out metric; must fit the task.",
            "roc_auc (binary), accuracy (multiclass), r2 (regression)",
            "roc_auc",
        ),
        Key(
            "min_metric",
            "number",
            "Training refuses to write an artifact below this (metrics where greater is "
            "better).",
            "roc_auc 0.55, r2 0.0, else no gate",
            "0.6",
        ),
        Key(
            "max_metric",
            "number",
            "Training refuses to write an artifact above this (rmse, mae, log_loss).",
            "none",
        ),
        Key(
            "features",
            "list of column names",
            "The model's input columns, when not every numeric input and feature.",
            "every numeric or boolean non-id input, then every feature",
        ),
        Key("test_size", "number in (0, 1)", "Share of rows held out.", "0.2"),
        Key("seed", "integer", "Seed of the split and the estimator.", "0"),
    ),
)

DECISIONS = Section(
    "decisions",
    "Business rules over the model output and the inputs, apart from statistics (lesson 5). "
    "First match wins.",
    (
        Key("output", "name", "Name of the decision column.", "decision", "action"),
        Key(
            "rules",
            "list of {when: expression, then: text}",
            "The rules, in order. `when` may use the model output (`score` for binary "
            "classification, `prediction` otherwise), inputs and features.",
            "[]",
        ),
        Key(
            "default",
            "text",
            "The decision when no rule matches.",
            "required",
            "no_action",
        ),
    ),
)

PRECOMPUTE = Section(
    "precompute",
    "Features computed in batch per entity and looked up online (lesson 6).",
    (
        Key(
            "entity",
            "field name",
            "The key to look features up by.",
            "required",
            "customer_id",
        ),
        Key("features", "list of feature names", "What to precompute.", "required"),
        Key(
            "max_age",
            "duration (30m, 24h, 7d)",
            "Older values are refused as stale.",
            "24h",
        ),
        Key("store", "path", "The embedded store's file.", "artifacts/features.sqlite"),
    ),
)

RESOURCES = Section(
    "resources",
    "The budget the service must fit (lesson 8).",
    (
        Key("memory_mb", "integer", "Memory of one replica.", "512"),
        Key("cpus", "number", "CPUs of one replica.", "1"),
        Key("latency_p99_ms", "number", "p99 latency of one request.", "50"),
        Key(
            "max_batch_records",
            "integer",
            "Largest batch one request may carry.",
            "1000",
        ),
    ),
)

MONITORING = Section(
    "monitoring",
    "Monitoring of inputs, features and the model (lesson 9).",
    (
        Key("drift", "mapping", "Section `monitoring.drift`.", "see section"),
        Key(
            "performance", "mapping", "Section `monitoring.performance`.", "see section"
        ),
    ),
)

DRIFT = Section(
    "monitoring.drift",
    "Drift of inputs, features and predictions against the training data.",
    (
        Key("method", " | ".join(DRIFT_METHODS), "Drift statistic.", "psi"),
        Key(
            "false_alarm_rate",
            "number in (0, 0.5] or null",
            "Share of windows with no drift allowed to alert: each column's threshold "
            "is learned for the window judged by resampling the training reference "
            "(the rate split over the columns). null: the fixed warn and alert below.",
            "0.01",
        ),
        Key(
            "warn",
            "number",
            "Warn at or above this (only with false_alarm_rate: null).",
            "0.1",
        ),
        Key(
            "alert",
            "number",
            "Alert at or above this (only with false_alarm_rate: null).",
            "0.25",
        ),
        Key(
            "window",
            "integer",
            "Rolling window of recent records in the service.",
            "5000",
        ),
        Key("bins", "integer", "Bins of numeric columns.", "10"),
    ),
)

PERFORMANCE = Section(
    "monitoring.performance",
    "Model performance once labels arrive.",
    (
        Key("metric", " | ".join(METRICS), "Metric over time windows.", "model.metric"),
        Key(
            "alert_below",
            "number",
            "Alert when a greater-is-better metric falls below.",
            "none",
        ),
        Key("alert_above", "number", "Alert when an error metric rises above.", "none"),
        Key("window", "duration", "Length of a time window.", "1d"),
    ),
)

RULE = Section(
    "decisions.rules[i]",
    "One rule.",
    (
        Key("when", "expression", "A boolean expression.", "required", "score >= 0.5"),
        Key(
            "then",
            "text",
            "The decision when it is the first rule to hold.",
            "required",
        ),
    ),
)

SECTIONS = (
    TOP,
    INPUTS,
    FIELD,
    FEATURE,
    MODEL,
    TARGET,
    DECISIONS,
    RULE,
    PRECOMPUTE,
    RESOURCES,
    MONITORING,
    DRIFT,
    PERFORMANCE,
)

FUNCTIONS = {
    "log1p": ("log1p(x)", "log(1 + x); x must stay > -1"),
    "log": ("log(x)", "natural logarithm; x must stay > 0"),
    "sqrt": ("sqrt(x)", "square root; x must stay >= 0"),
    "abs": ("abs(x)", "absolute value"),
    "clip": ("clip(x, low, high)", "x limited to [low, high]"),
    "min": ("min(a, b, ...)", "element-wise minimum"),
    "max": ("max(a, b, ...)", "element-wise maximum"),
    "days_between": (
        "days_between(start, end)",
        "days from start to end (date fields or `as_of`, the scoring time)",
    ),
    "is_null": ("is_null(field)", "true where the field was null (before imputation)"),
    "coalesce": ("coalesce(a, b, ...)", "the first value that is not null"),
}
