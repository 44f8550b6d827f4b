"""Interval arithmetic for proving that a feature stays inside its declared range.

An `Interval` is a closed range [low, high] (either end may be infinite) plus `integral`:
whether every value in it is a whole number. Integrality matters for division: an integer
denominator in [0, 600] that is not 0 is at least 1, so a guarded division by it is bounded,
while a float denominator in [0, 600] can come arbitrarily close to 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

INF = math.inf


def _mul(a: float, b: float) -> float:
    # 0 * inf is taken as 0: an end at 0 times an unbounded end does not widen the range.
    if a == 0 or b == 0:
        return 0.0
    return a * b


def _div(a: float, b: float) -> float:
    if math.isinf(b):
        return 0.0 if not math.isinf(a) else math.copysign(INF, a) * math.copysign(1, b)
    return a / b


@dataclass(frozen=True)
class Interval:
    low: float = -INF
    high: float = INF
    integral: bool = False

    @classmethod
    def point(cls, value: float) -> Interval:
        return cls(float(value), float(value), float(value).is_integer())

    @property
    def bounded(self) -> bool:
        return not (math.isinf(self.low) or math.isinf(self.high))

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def within(self, low: float, high: float) -> bool:
        return low <= self.low and self.high <= high

    def union(self, other: Interval) -> Interval:
        return Interval(
            min(self.low, other.low),
            max(self.high, other.high),
            self.integral and other.integral,
        )

    def __add__(self, other: Interval) -> Interval:
        return Interval(
            self.low + other.low,
            self.high + other.high,
            self.integral and other.integral,
        )

    def __sub__(self, other: Interval) -> Interval:
        return Interval(
            self.low - other.high,
            self.high - other.low,
            self.integral and other.integral,
        )

    def __neg__(self) -> Interval:
        return Interval(-self.high, -self.low, self.integral)

    def __mul__(self, other: Interval) -> Interval:
        ends = [
            _mul(a, b) for a in (self.low, self.high) for b in (other.low, other.high)
        ]
        return Interval(min(ends), max(ends), self.integral and other.integral)

    def without_zero(self) -> list[Interval]:
        """The parts of this interval left when the value 0 is taken out.

        For whole numbers the parts are closed ([lo, -1] and [1, hi]); for real numbers they
        reach up to 0 itself, which is what makes an unguarded quotient unbounded.
        """
        if not self.contains(0):
            return [self]
        step = 1.0 if self.integral else 0.0
        parts = []
        if self.low < 0:
            parts.append(Interval(self.low, -step, self.integral))
        if self.high > 0:
            parts.append(Interval(step, self.high, self.integral))
        return parts

    def divided_by(self, other: Interval) -> Interval | None:
        """self / other, for a denominator that is never 0 (None when other is only 0)."""
        result: Interval | None = None
        for part in other.without_zero():
            if part.low == 0 or part.high == 0:
                # A real denominator approaching 0: the quotient is unbounded on the side(s)
                # the numerator can reach.
                quotient = self._over_near_zero(part)
            else:
                ends = [
                    _div(a, b)
                    for a in (self.low, self.high)
                    for b in (part.low, part.high)
                ]
                quotient = Interval(min(ends), max(ends))
            result = quotient if result is None else result.union(quotient)
        return result

    def _over_near_zero(self, part: Interval) -> Interval:
        positive = part.low >= 0
        low, high = (self.low, self.high) if positive else (-self.high, -self.low)
        far = part.high if positive else -part.low
        out_low = -INF if low < 0 else _div(low, far)
        out_high = INF if high > 0 else _div(high, far)
        return Interval(min(out_low, out_high), max(out_low, out_high))

    def abs(self) -> Interval:
        if self.low >= 0:
            return self
        if self.high <= 0:
            return -self
        return Interval(0.0, max(-self.low, self.high), self.integral)

    def monotone(self, function, integral: bool = False) -> Interval:
        """Apply an increasing function to both ends."""
        return Interval(function(self.low), function(self.high), integral)

    def power(self, exponent: int) -> Interval:
        if exponent == 0:
            return Interval.point(1)
        ends = [_pow(self.low, exponent), _pow(self.high, exponent)]
        low, high = min(ends), max(ends)
        if exponent % 2 == 0 and self.contains(0):
            low = 0.0
        return Interval(low, high, self.integral)

    def describe(self) -> str:
        return f"[{_fmt(self.low)}, {_fmt(self.high)}]"


def _pow(value: float, exponent: int) -> float:
    try:
        return value**exponent
    except OverflowError:  # beyond float range: the bound is infinite
        return INF if value > 0 or exponent % 2 == 0 else -INF


def interval_min(parts: list[Interval]) -> Interval:
    return Interval(
        min(p.low for p in parts),
        min(p.high for p in parts),
        all(p.integral for p in parts),
    )


def interval_max(parts: list[Interval]) -> Interval:
    return Interval(
        max(p.low for p in parts),
        max(p.high for p in parts),
        all(p.integral for p in parts),
    )


def _fmt(value: float) -> str:
    if math.isinf(value):
        return "-inf" if value < 0 else "inf"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.6g}"


BOOL = Interval(0.0, 1.0, True)
ANY = Interval()

__all__ = ["ANY", "BOOL", "INF", "Interval", "interval_max", "interval_min"]
