# modelplate runtime, vendored: `modelplate update` replaces it and reports edits.
"""The functions of the spec's expression language, vectorized.

Compiled feature and rule source calls these as ``F.<name>(...)``. Each accepts
pandas Series or scalars and returns a float (or bool) Series aligned with its
first Series argument, so a feature is one vectorized expression over the frame.
A numpy array (a column of the one-record path, ``record.py``) gives an array:
the same numpy arithmetic without pandas' cost per call.
None of them warns: a warning turned into an error in the tests would otherwise
hide the value the spec asked for (e.g. ``on_zero`` for a division by zero).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "abs",
    "clip",
    "coalesce",
    "days_between",
    "divide",
    "is_null",
    "log",
    "log1p",
    "maximum",
    "minimum",
    "sqrt",
]

_DAY = pd.Timedelta(days=1)


def _index(*args: object) -> pd.Index | None:
    """The index of the first Series argument: the frame the result aligns with."""
    for arg in args:
        if isinstance(arg, pd.Series):
            return arg.index
    return None


def _float(value: object, index: pd.Index | None) -> pd.Series | float:
    """A float Series on ``index`` (nullable values become NaN), or a plain float."""
    if isinstance(value, pd.Series):
        return pd.Series(
            pd.to_numeric(value).to_numpy(dtype=np.float64, na_value=np.nan),
            index=value.index,
        )
    if isinstance(value, np.ndarray):
        return value.astype(np.float64)
    if index is None:
        return np.nan if value is None else float(value)
    return pd.Series(np.nan if value is None else float(value), index=index)


def _series(values: np.ndarray, index: pd.Index | None) -> pd.Series | float:
    if index is None:
        # Arrays in, an array out; scalars in, a float out.
        return values if np.ndim(values) else float(values)
    return pd.Series(values, index=index, dtype=np.float64)


def _one(*xs: object) -> list[float] | None:
    """The arguments as plain floats when they are one record's values (one-element
    arrays, or constants, and no Series), else None.

    numpy costs about a microsecond a call on one value and Python's arithmetic a
    few nanoseconds; the results are the same (tests/test_functions.py).
    """
    if not any(isinstance(x, np.ndarray) for x in xs):
        return None
    values = []
    for x in xs:
        if isinstance(x, pd.Series) or (isinstance(x, np.ndarray) and x.size != 1):
            return None
        value = x.item() if isinstance(x, np.ndarray) else x
        values.append(np.nan if value is None else float(value))
    return values


def divide(a: object, b: object, on_zero: float) -> pd.Series | float:
    """``a / b``, with ``on_zero`` wherever ``b == 0`` (on_divide_by_zero)."""
    one = _one(a, b)
    if one is not None:
        numerator, denominator = one
        # Python's float division overflows to inf, as numpy's does.
        return np.array([on_zero if denominator == 0 else numerator / denominator])
    index = _index(a, b)
    num = np.asarray(_float(a, index), dtype=np.float64)
    den = np.asarray(_float(b, index), dtype=np.float64)
    zero = den == 0
    # Divide by 1 where the denominator is 0 so numpy never warns, then overwrite. A
    # denominator close to 0 may overflow to +-inf: that is the quotient's true size,
    # which a clip() bounds and serialization refuses by name otherwise.
    # inf / inf is NaN, as the one-value path gives it, without a warning.
    with np.errstate(over="ignore", invalid="ignore"):
        quotient = np.divide(num, np.where(zero, 1.0, den))
    return _series(np.where(zero, on_zero, quotient), index)


def _unary(ufunc: np.ufunc, x: object, domain_ok) -> pd.Series | float:
    one = _one(x)
    if one is not None:
        (value,) = one
        return np.array([float(ufunc(value)) if domain_ok(value) else np.nan])
    index = _index(x)
    values = np.asarray(_float(x, index), dtype=np.float64)
    ok = domain_ok(values)
    # Outside the domain the result is NaN (which the matrix step refuses by name)
    # instead of a RuntimeWarning and a silent -inf.
    with np.errstate(all="ignore"):
        result = np.where(ok, ufunc(np.where(ok, values, 1.0)), np.nan)
    return _series(result, index)


def log1p(x: object) -> pd.Series | float:
    """Natural log of ``1 + x``; NaN for ``x <= -1``."""
    return _unary(np.log1p, x, lambda v: v > -1)


def log(x: object) -> pd.Series | float:
    """Natural log; NaN for ``x <= 0``."""
    return _unary(np.log, x, lambda v: v > 0)


def sqrt(x: object) -> pd.Series | float:
    """Square root; NaN for ``x < 0``."""
    return _unary(np.sqrt, x, lambda v: v >= 0)


def abs(
    x: object,
) -> pd.Series | float:  # shadows the builtin on purpose: the spec name
    """Absolute value."""
    return _unary(np.abs, x, lambda v: np.ones_like(v, dtype=bool))


def clip(x: object, lo: float, hi: float) -> pd.Series | float:
    """``x`` limited to ``[lo, hi]``; NaN stays NaN."""
    one = _one(x)
    if one is not None:
        (value,) = one
        return np.array([value if value != value else float(min(max(value, lo), hi))])
    index = _index(x)
    return _series(
        np.clip(np.asarray(_float(x, index), dtype=np.float64), lo, hi), index
    )


def _stack(xs: tuple[object, ...]) -> tuple[np.ndarray, pd.Index | None]:
    index = _index(*xs)
    return (
        np.vstack([np.asarray(_float(x, index), dtype=np.float64) for x in xs]),
        index,
    )


def minimum(*xs: object) -> pd.Series | float:
    """Element-wise minimum of the arguments; NaN if any argument is NaN."""
    stacked, index = _stack(xs)
    return _series(np.min(stacked, axis=0), index)


def maximum(*xs: object) -> pd.Series | float:
    """Element-wise maximum of the arguments; NaN if any argument is NaN."""
    stacked, index = _stack(xs)
    return _series(np.max(stacked, axis=0), index)


def days_between(start: object, end: object) -> pd.Series | float:
    """``end - start`` in (fractional) days; dates, datetimes or a Timestamp.

    Columns are counted in microseconds (the contract's finest resolution), whatever
    unit pandas gave them, so that a batch and a single record give the same float.
    """
    index = _index(start, end)
    if isinstance(start, np.ndarray) or isinstance(end, np.ndarray):
        return _days(_datetime64(end) - _datetime64(start))
    start = pd.to_datetime(start) if isinstance(start, str) else start
    end = pd.to_datetime(end) if isinstance(end, str) else end
    delta = end - start
    if isinstance(delta, pd.Series):
        return pd.Series(_days(delta.to_numpy(dtype="timedelta64[us]")), index=index)
    return _series(np.float64(delta / _DAY), index)


def _days(delta: np.ndarray) -> np.ndarray:
    """Time spans as fractional days (NaT: NaN)."""
    return delta.astype("timedelta64[us]") / np.timedelta64(1, "D")


def _datetime64(x: object) -> np.ndarray | np.datetime64:
    if isinstance(x, np.ndarray):
        return x.astype("datetime64[us]")
    return pd.Timestamp(x).to_datetime64()


def is_null(x: object) -> pd.Series | bool:
    """True where ``x`` is missing (use it on ``raw``: imputation fills ``inputs``)."""
    if isinstance(x, pd.Series):
        return x.isna()
    if isinstance(x, np.ndarray):
        return pd.isna(x)
    return x is None or bool(pd.isna(x))


def coalesce(*xs: object) -> pd.Series | float:
    """The first argument that is not null, element-wise."""
    index = _index(*xs)
    arrays = [x for x in xs if isinstance(x, np.ndarray)]
    if arrays:
        result = np.full(len(arrays[0]), np.nan, dtype=object)
        for x in reversed(xs):
            values = np.broadcast_to(np.asarray(x, dtype=object), result.shape)
            result = np.where(pd.isna(values), result, values)
        return pd.to_numeric(result) if _numeric(result) else result
    if index is None:
        return next((x for x in xs if not is_null(x)), np.nan)
    result = pd.Series(np.nan, index=index, dtype=object)
    for x in reversed(xs):
        value = (
            x if isinstance(x, pd.Series) else pd.Series(x, index=index, dtype=object)
        )
        result = value.astype(object).where(value.notna(), result)
    return pd.to_numeric(result) if _numeric(result) else result


def _numeric(values: pd.Series | np.ndarray) -> bool:
    return pd.api.types.infer_dtype(values, skipna=True) in (
        "integer",
        "floating",
        "mixed-integer-float",
        "empty",
    )
