# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""Classifiers that learn any labels, for libraries whose classifiers learn only
0..k-1 (XGBoost's): the labels are encoded before fitting and restored after."""

from __future__ import annotations

import functools

__all__ = ["label_encoding"]


@functools.cache
def label_encoding(base: type) -> type:
    """``base``, a classifier that learns only the labels 0..k-1, learning any
    labels: they are encoded before fitting and ``classes_`` holds them after,
    as scikit-learn's classifiers do. One class per base, so the ONNX converter
    registered for it (``converters``) finds it."""

    class Encoded(base):  # type: ignore[misc, valid-type]
        def fit(self, X, y, **kwargs):
            import numpy as np

            labels, codes = np.unique(np.asarray(y), return_inverse=True)
            self.__dict__.pop("labels_", None)  # the base checks 0..k-1 on fit
            super().fit(X, codes, **kwargs)
            self.labels_ = labels
            return self

        @property
        def classes_(self):
            labels = self.__dict__.get("labels_")
            return super().classes_ if labels is None else labels

        def predict(self, X, **kwargs):
            return self.classes_[super().predict(X, **kwargs).astype(int)]

    Encoded.__name__ = Encoded.__qualname__ = f"Encoded{base.__name__}"
    return Encoded
