"""What `modelplate diff` reads besides the two specs: a trained model, past records.

The model's artifact holds the reference statistics of its training rows; their
per-input minimum and maximum say what the model has seen, better than the old spec's
declared range. Past records (the files a service scored) replayed through the new
contract say how many would now be rejected, and why.
"""

from __future__ import annotations

import json
from pathlib import Path

from .checks import CheckedSpec
from .context import field_arguments
from .contractdiff import Trained
from .diffreport import Rejections
from .errors import DiffError
from .gitops import PRISTINE, branch_commit, read_blob

_EXAMPLES = 3  # offending values shown per field and rule
_LONGEST = 80  # characters of one shown example
_SCANNED = 50  # rows of each field and rule whose messages are looked at


def deployed_spec_text(repo: Path) -> str | None:
    """The spec of the last render `update` merged (None: no pristine render)."""
    if not (repo / ".git").exists() or branch_commit(repo, PRISTINE) is None:
        return None
    blob = read_blob(repo, PRISTINE, "spec.yaml")
    try:
        return None if blob is None else blob.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _champion(root: Path) -> Path:
    """The champion's metadata file in the registry at ``root`` (runtime.registry's
    layout), or the plain artifact's when the registry has no aliases."""
    aliases = root / "aliases.json"
    if not aliases.is_file():
        return root / "metadata.json"
    try:
        champion = json.loads(aliases.read_text(encoding="utf-8"))["aliases"][
            "champion"
        ]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise DiffError(f"{aliases}: no champion to compare with ({exc})") from None
    return root / "versions" / str(champion) / "metadata.json"


def trained_from(repo: Path, checked: CheckedSpec) -> Trained:
    """The ranges the model in `repo` (the champion of the spec's folder registry,
    or the plain artifact there) was trained on."""
    metadata = _champion(repo / checked.spec.model.root(checked.spec.name))
    if metadata.exists() and not metadata.is_file():  # a FIFO would block the read
        raise DiffError(f"{metadata}: not a regular file")
    try:
        document = json.loads(metadata.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DiffError(
            f"{metadata}: no trained model (run the service's `train`, or leave out --repo)"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise DiffError(
            f"{metadata}: cannot read the model's metadata ({exc})"
        ) from None
    inputs = (
        document.get("statistics", {}).get("inputs")
        if isinstance(document, dict)
        else None
    )
    if not isinstance(inputs, dict):
        raise DiffError(f"{metadata}: no statistics.inputs (not a modelplate model?)")
    minimum, maximum = {}, {}
    for name, stats in inputs.items():
        if isinstance(stats, dict) and "min" in stats and "max" in stats:
            minimum[name], maximum[name] = stats["min"], stats["max"]
    digest = str(document.get("model_sha256", ""))[:12] or "unknown"
    version = f"{digest} (trained {document.get('trained_at', 'at an unknown time')})"
    return Trained(version, minimum, maximum)


def _tally(rows: int, reasons: type, unread):
    """The runtime's ``Reasons`` that also counts rows per field and rule and keeps a
    few distinct messages of each: the joined reason text is for people, and a value
    in it may contain the separator, so it is not parsed."""
    import numpy as np

    class Tally(reasons):
        def __init__(self, n_rows: int) -> None:
            super().__init__(n_rows)
            self.counts: dict[str, int] = {}
            self.examples: dict[str, list[str]] = {}

        def add(self, mask, field, rule, messages) -> None:
            # A row the reader could not read is rejected for that alone.
            hits = np.flatnonzero(np.asarray(mask, dtype=bool) & ~unread)
            if hits.size:
                key = f"{field}: {rule}"
                self.counts[key] = self.counts.get(key, 0) + int(hits.size)
                first = hits[:_SCANNED]
                if callable(messages):
                    sample = messages(first)
                else:
                    sample = np.broadcast_to(
                        np.asarray(messages, dtype=object), hits.shape
                    )[: first.size]
                shown = self.examples.setdefault(key, [])
                for message in sample:
                    text = str(message)
                    text = text[:_LONGEST] + ("..." if len(text) > _LONGEST else "")
                    if text not in shown and len(shown) < _EXAMPLES:
                        shown.append(text)
            super().add(mask, field, rule, messages)

    return Tally(rows)


def replay(log: Path, checked: CheckedSpec) -> Rejections:
    """Check past records (a CSV or Parquet file) against the new spec's contract."""
    try:
        import numpy as np

        from .runtime.contract import REASONS, validate_frame
        from .runtime.definition import Contract, Field
        from .runtime.errors import ServiceError
        from .runtime.io import read_frame
        from .runtime.rules import Reasons
    except ImportError as exc:
        raise DiffError(
            f"--replay needs the runtime's dependencies ({exc.name} is missing): "
            "pip install 'modelplate[runtime]'"
        ) from None
    spec = checked.spec
    contract = Contract(
        title=spec.name,
        fields=tuple(Field(**field_arguments(f)) for f in spec.inputs.values()),
        unknown_fields=spec.unknown_fields,
    )
    try:
        frame = read_frame(log, contract)
        # Training data carries the target; the records callers send do not.
        frame = frame.drop(columns=[spec.model.target.name], errors="ignore")
        unread = (
            frame[REASONS].notna().to_numpy(dtype=bool)
            if REASONS in frame
            else np.zeros(len(frame), dtype=bool)
        )
        tally = _tally(len(frame), Reasons, unread)
        _, rejects = validate_frame(frame, contract, reasons=tally)
    except ServiceError as exc:
        raise DiffError(f"--replay: {exc}") from None
    by_rule, examples = tally.counts, tally.examples
    if REASONS in frame:  # rows the reader could not read: never reach the rules
        for reason in frame[REASONS].dropna().astype(str):
            key = reason.split(" (", 1)[0]
            by_rule[key] = by_rule.get(key, 0) + 1
    ordered = dict(sorted(by_rule.items(), key=lambda item: -item[1]))
    return Rejections(str(log), len(frame), len(rejects), ordered, examples)


__all__ = ["deployed_spec_text", "replay", "trained_from"]
