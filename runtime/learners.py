# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The learners a model can use, as one table: training builds estimators from it
and `modelplate check` validates a spec's ``model.params`` against it.

Nothing heavy is imported at the top (no scikit-learn, LightGBM or XGBoost): the
estimator classes are named by import path and imported only to build one, so
the tool's ``check`` and a serving install can read the table. The parameter
names are each estimator's own (``get_params()``); modelplate's tests hold the
table equal to the installed libraries, so it cannot drift from them.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import TrainingError
from .labels import label_encoding

__all__ = [
    "LEARNERS",
    "Learner",
    "build",
    "kind_of",
    "learner_of",
    "names_for",
    "parameter_problems",
]

# What the runtime sets itself, and why the spec may not: one thread per fit keeps
# training deterministic and the cross-validation's folds from fighting for cores.
_RUNTIME_SET = {
    "n_jobs": "the runtime trains on one thread (n_jobs=1), so a seed gives one model",
    "verbose": "the runtime keeps training quiet",
    "verbosity": "the runtime keeps training quiet",
}

_SKLEARN_TREE = (
    "ccp_alpha criterion max_depth max_features max_leaf_nodes min_impurity_decrease "
    "min_samples_leaf min_samples_split min_weight_fraction_leaf random_state "
    "verbose warm_start"
).split()
_FOREST = [*_SKLEARN_TREE, "bootstrap", "max_samples", "monotonic_cst"]
_FOREST += ["n_estimators", "n_jobs", "oob_score"]
_HIST = (
    "categorical_features early_stopping interaction_cst l2_regularization "
    "learning_rate loss max_bins max_depth max_features max_iter max_leaf_nodes "
    "min_samples_leaf monotonic_cst n_iter_no_change random_state scoring tol "
    "validation_fraction verbose warm_start"
).split()
_BOOSTING = [*_SKLEARN_TREE, "init", "learning_rate", "loss", "n_estimators"]
_BOOSTING += ["n_iter_no_change", "subsample", "tol", "validation_fraction"]
_LIGHTGBM = (
    "boosting_type class_weight colsample_bytree importance_type learning_rate "
    "max_depth min_child_samples min_child_weight min_split_gain n_estimators n_jobs "
    "num_leaves objective random_state reg_alpha reg_lambda subsample "
    "subsample_for_bin subsample_freq"
).split()
_XGBOOST = (
    "base_score booster callbacks colsample_bylevel colsample_bynode "
    "colsample_bytree device early_stopping_rounds enable_categorical eval_metric "
    "feature_types feature_weights gamma grow_policy importance_type "
    "interaction_constraints learning_rate max_bin max_cat_threshold "
    "max_cat_to_onehot max_delta_step max_depth max_leaves min_child_weight missing "
    "monotone_constraints multi_strategy n_estimators n_jobs num_parallel_tree "
    "objective random_state reg_alpha reg_lambda sampling_method scale_pos_weight "
    "subsample tree_method validate_parameters verbosity"
).split()


@dataclass(frozen=True)
class Learner:
    """One algorithm a spec can name.

    ``estimators`` maps a kind (``classifier``, ``regressor``) to the estimator's
    import path; ``params`` the same kind to the names its constructor takes.
    ``defaults`` are modelplate's choices, which ``model.params`` may override;
    ``fixed`` are set by the runtime and refused in the spec. ``seed`` is the
    parameter ``model.seed`` goes to. A ``linear`` model is exported to ONNX in
    float64 (tree ensembles compare in float32, as scikit-learn's trees do); a
    ``scaled`` one is standardised first, so its penalty treats every column
    alike. ``extra`` is the generated project's optional dependency that
    installs it (None: scikit-learn, which ``[train]`` installs).
    """

    name: str
    estimators: Mapping[str, str]
    params: Mapping[str, frozenset[str]]
    defaults: Mapping[str, object] = field(default_factory=dict)
    fixed: Mapping[str, object] = field(default_factory=dict)
    seed: str | None = "random_state"
    linear: bool = False
    scaled: bool = False
    extra: str | None = None
    # XGBoost's classifiers learn only the labels 0..k-1: its estimator is wrapped
    # to learn any labels (see ``label_encoding``).
    encodes_labels: bool = False

    def refused(self, kind: str) -> dict[str, str]:
        """Parameter -> why ``model.params`` may not set it."""
        reasons = {
            key: reason
            for key, reason in _RUNTIME_SET.items()
            if key in self.params[kind] or key in self.fixed
        }
        if self.seed is not None:
            reasons[self.seed] = "it comes from model.seed"
        return reasons


def _both(
    names: list[str], classifier: tuple[str, ...] = (), regressor: tuple[str, ...] = ()
) -> dict:
    return {
        "classifier": frozenset([*names, *classifier]),
        "regressor": frozenset([*names, *regressor]),
    }


def _sklearn(module: str, stem: str) -> dict[str, str]:
    return {
        "classifier": f"sklearn.{module}.{stem}Classifier",
        "regressor": f"sklearn.{module}.{stem}Regressor",
    }


_LOGISTIC = (
    "C class_weight dual fit_intercept intercept_scaling l1_ratio max_iter n_jobs "
    "penalty random_state solver tol verbose warm_start"
).split()

LEARNERS: dict[str, Learner] = {
    learner.name: learner
    for learner in (
        Learner(
            "hist_gradient_boosting",
            _sklearn("ensemble", "HistGradientBoosting"),
            _both(_HIST, ("class_weight",), ("quantile",)),
        ),
        Learner(
            "logistic_regression",
            {"classifier": "sklearn.linear_model.LogisticRegression"},
            {"classifier": frozenset(_LOGISTIC)},
            defaults={"max_iter": 1000},
            linear=True,
            scaled=True,
        ),
        Learner(
            "linear_regression",
            {"regressor": "sklearn.linear_model.LinearRegression"},
            {
                "regressor": frozenset(
                    "copy_X fit_intercept n_jobs positive tol".split()
                )
            },
            seed=None,
            linear=True,
        ),
        Learner(
            "ridge",
            {"regressor": "sklearn.linear_model.Ridge"},
            {
                "regressor": frozenset(
                    "alpha copy_X fit_intercept max_iter positive random_state "
                    "solver tol".split()
                )
            },
            defaults={"alpha": 1.0},
            linear=True,
            scaled=True,
        ),
        Learner(
            "random_forest",
            _sklearn("ensemble", "RandomForest"),
            _both(_FOREST, ("class_weight",)),
            defaults={"n_estimators": 200, "min_samples_leaf": 2},
            fixed={"n_jobs": 1, "verbose": 0},
        ),
        Learner(
            "gradient_boosting",
            _sklearn("ensemble", "GradientBoosting"),
            {
                "classifier": frozenset(_BOOSTING),
                "regressor": frozenset([*_BOOSTING, "alpha"]),
            },
        ),
        Learner(
            "lightgbm",
            {
                "classifier": "lightgbm.LGBMClassifier",
                "regressor": "lightgbm.LGBMRegressor",
            },
            _both(_LIGHTGBM),
            fixed={"n_jobs": 1, "verbosity": -1},
            extra="lightgbm",
        ),
        Learner(
            "xgboost",
            {
                "classifier": "xgboost.XGBClassifier",
                "regressor": "xgboost.XGBRegressor",
            },
            _both(_XGBOOST),
            fixed={"n_jobs": 1, "verbosity": 0},
            extra="xgboost",
            encodes_labels=True,
        ),
    )
}


def kind_of(task: str) -> str:
    return "regressor" if task == "regression" else "classifier"


def names_for(task: str) -> tuple[str, ...]:
    """The learners that can learn ``task``, in the table's order."""
    kind = kind_of(task)
    return tuple(n for n, learner in LEARNERS.items() if kind in learner.estimators)


def parameter_problems(
    algorithm: str, task: str, params: Mapping[str, object]
) -> dict[str, str]:
    """Parameter name -> what is wrong with it, for ``algorithm`` on ``task``
    (empty when every parameter is one the estimator takes and the spec may set)."""
    learner = LEARNERS[algorithm]
    accepted = learner.params[kind_of(task)]
    refused = learner.refused(kind_of(task))
    problems: dict[str, str] = {}
    for name, value in params.items():
        if name in refused:
            problems[name] = f"{name} is not set in model.params: {refused[name]}"
        elif name not in accepted:
            close = difflib.get_close_matches(name, sorted(accepted), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems[name] = f"{algorithm} takes no parameter {name!r}{hint}"
        elif value is not None and not isinstance(value, bool | int | float | str):
            problems[name] = (
                f"expected a number, text, true/false or null for {name}, "
                f"got {type(value).__name__}"
            )
    return problems


def build(algorithm: str, task: str, params: Mapping[str, object], seed: int):
    """The unfitted estimator of ``algorithm`` for ``task``: modelplate's defaults,
    then ``params``, then what the runtime fixes; deterministic for ``seed``."""
    if algorithm not in LEARNERS or kind_of(task) not in LEARNERS[algorithm].estimators:
        raise TrainingError(f"no learner {algorithm!r} for {task}")
    problems = parameter_problems(algorithm, task, params)
    if problems:
        raise TrainingError("; ".join(problems.values()))
    learner = LEARNERS[algorithm]
    module, _, name = learner.estimators[kind_of(task)].rpartition(".")
    try:
        estimator_class = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        extra = learner.extra or "train"
        raise TrainingError(
            f"the learner {algorithm} needs {error.name}, which is not installed: "
            f"install the project's [{extra}] extra"
        ) from error
    if learner.encodes_labels and kind_of(task) == "classifier":
        estimator_class = label_encoding(estimator_class)
    settings = {**learner.defaults, **params, **learner.fixed}
    if learner.seed is not None:
        settings[learner.seed] = seed
    estimator = estimator_class(**settings)
    if not learner.scaled:
        return estimator
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), estimator)


def learner_of(estimator) -> Learner | None:
    """The learner whose estimator ``estimator`` is (the last step of a pipeline)."""
    steps = getattr(estimator, "steps", None)
    final = type(steps[-1][1] if steps else estimator)
    # Compared by package and class name: scikit-learn defines its classes in
    # private modules (sklearn.ensemble._forest) and exports them higher up.
    found = {(c.__module__.partition(".")[0], c.__name__) for c in final.__mro__}
    for learner in LEARNERS.values():
        for declared in learner.estimators.values():
            module, _, name = declared.rpartition(".")
            if (module.partition(".")[0], name) in found:
                return learner
    return None
