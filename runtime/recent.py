# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""A service's most recent scored records, for drift on each /metrics scrape.

A request only appends references to what scoring computed anyway (the checked
inputs, the model's input columns and its output), so it pays nothing for
monitoring; a scrape stacks the last ``window`` records into frames and judges
them against the training data. What is judged is what was served: looked-up
features and the ONNX model's output, not a recomputation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .definition import Contract, Drift
from .drift import ColumnDrift
from .monitoring import Reference, RollingDrift, monitored

__all__ = ["Part", "Recent"]

# A batch as a frame, or one record as columns of length-1 arrays (``record``).
Part = pd.DataFrame | Mapping[str, np.ndarray]


def _rows(part: Part) -> int:
    return len(part) if isinstance(part, pd.DataFrame) else 1


def _stack(parts: list[Part], dtypes: Mapping[str, object]) -> pd.DataFrame:
    """The parts as one frame; each run of single records becomes one frame at once."""
    frames, run = [], []
    for part in [*parts, None]:
        if part is not None and not isinstance(part, pd.DataFrame):
            run.append(part)
            continue
        if run:
            columns = {name: np.concatenate([r[name] for r in run]) for name in run[0]}
            known = {name: dtypes[name] for name in columns if name in dtypes}
            frames.append(pd.DataFrame(columns).astype(known))
            run = []
        if part is not None:
            frames.append(part)
    return pd.concat(frames, ignore_index=True)


class Recent:
    """The last ``window`` scored records (default ``drift.window``; a little more
    is kept: whole batches are).

    ``dtypes`` types the inputs of single records as the contract types a batch.
    """

    def __init__(
        self,
        dtypes: Mapping[str, object],
        contract: Contract,
        drift: Drift,
        window: int | None = None,
    ) -> None:
        self.dtypes = dtypes
        self.contract = contract
        self.settings = drift
        self.window = drift.window if window is None else window
        self._parts: deque[tuple[Part, Part, Part]] = deque()
        self.rows = 0

    def add(self, inputs: Part, features: Part, output: Part) -> None:
        """Remember one scoring (by reference); forget the oldest beyond the window."""
        self._parts.append((inputs, features, output))
        self.rows += _rows(inputs)
        while self.rows - _rows(self._parts[0][0]) >= self.window:
            self.rows -= _rows(self._parts.popleft()[0])

    def groups(self) -> dict[str, pd.DataFrame]:
        """The monitored groups of the last ``window`` records."""
        inputs, features, output = (
            _stack([part[position] for part in self._parts], self.dtypes).tail(
                self.window
            )
            for position in range(3)
        )
        return monitored(self.contract, inputs, features, output)

    def drift(self, artifact: Reference) -> list[ColumnDrift]:
        """Each column's drift over the window against the training data."""
        window = RollingDrift(artifact, self.settings, self.window)
        window.add(self.groups())
        return window.report().columns
