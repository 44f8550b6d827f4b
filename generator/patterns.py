"""The spec's pattern language: regular expressions that run in time linear in the value.

A string field's `pattern` must match the whole value. The runtime matches it with RE2
(through pyarrow, for one record and for a batch alike), whose time is linear in the
value, so no pattern can stall the service. `check` accepts only what RE2 runs and
reads the same way as this module, which the generator uses to make and test examples
(Python's `re` backtracks: `^(a+)+$` against 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaab' takes
minutes). So `check` refuses back-references, lookarounds, conditionals, atomic groups,
possessive quantifiers, named groups, inline flags and comments, POSIX classes, `{,n}`, anchors other
than a leading `^` and a trailing `$`, escapes other than the classes below, \\t \\n \\r
\\f \\v, \\xHH and escaped punctuation, counts over 1000 (also multiplied through nested
repeats), patterns over 1000 characters, patterns too large for RE2 to compile and
patterns whose shortest value is over 1000 characters. `\\d`, `\\w` and `\\s` are ASCII, as in RE2:
`[0-9]`, `[0-9A-Za-z_]` and `[\\t\\n\\f\\r ]`.
"""

from __future__ import annotations

import re
import string
import warnings
from functools import lru_cache

try:  # Python 3.11+ keeps the regex parser here; 3.10 only under the old name.
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef]

MAX_LENGTH = 1000
MAX_COUNT = (
    1000  # RE2's limit on a count, and on the counts of nested repeats multiplied
)
UNBOUNDED = _sre.MAXREPEAT
CLASSES = {
    "d": frozenset("0123456789"),
    "w": frozenset(string.ascii_letters + string.digits + "_"),
    "s": frozenset("\t\n\f\r "),
}
_ESCAPES = frozenset("dDwWsStnrfv")
_HEX = frozenset(string.hexdigits)
_UNSUPPORTED = "see 'Patterns' in docs/spec.md"


def pattern_problem(pattern: str) -> str | None:
    """Why `pattern` is not in the spec's pattern language, or None if it is."""
    if len(pattern) > MAX_LENGTH:
        return (
            f"expected a pattern of at most {MAX_LENGTH} characters, got {len(pattern)}"
        )
    problem = _lexical_problem(pattern)
    if problem is None:
        try:
            with warnings.catch_warnings():
                # e.g. "possible nested set": Python and RE2 would read it differently
                warnings.simplefilter("error")
                tree = _sre.parse(pattern)
        except (re.error, Warning) as exc:
            return f"expected a regular expression, got {pattern!r} ({exc})"
        problem = _tree_problem(tree) or _size_problem(tree)
    return f"{problem} ({_UNSUPPORTED})" if problem else None


def _lexical_problem(pattern: str) -> str | None:
    """What the parse tree no longer shows: how escapes, groups and classes are written."""
    index, in_class = 0, False
    while index < len(pattern):
        char, following = pattern[index], pattern[index + 1 : index + 2]
        if char == "\\":
            if following == "x" and set(pattern[index + 2 : index + 4]) <= _HEX:
                index += 4 if len(pattern) >= index + 4 else 2
                continue
            if following and following not in _ESCAPES:
                if not (following.isascii() and not following.isalnum()):
                    return f"escape '\\{following}' is not supported"
            index += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            elif char == "[" and following in (":", ".", "="):
                return f"'[{following}' (a POSIX class) is not supported"
        elif char == "[":
            index += 1
            index += pattern.startswith("^", index)
            index += pattern.startswith("]", index)  # a leading ']' is a member
            in_class = True
            continue
        elif char == "(" and following == "?" and not pattern.startswith("(?:", index):
            return f"'{pattern[index:index + 3]}' is not supported (of the '(?' groups, only (?:...))"
        elif char == "{" and following == ",":
            return "'{,n}' is not supported (write {0,n})"
        index += 1
    return None


def _tree_problem(tree) -> str | None:
    if tree.state.flags & ~(re.UNICODE | re.ASCII):  # pragma: no cover - (? refused
        return "inline flags are not supported"
    items = list(tree)
    branches = (
        items[0][1][1] if len(items) == 1 and str(items[0][0]) == "BRANCH" else [items]
    )
    for branch in branches:
        body = list(branch)
        if body and str(body[0][0]) == "AT" and str(body[0][1]) == "AT_BEGINNING":
            body = body[1:]
        if body and str(body[-1][0]) == "AT" and str(body[-1][1]) == "AT_END":
            body = body[:-1]
        problem = _walk(body, 1)
        if problem:
            return problem
    return None


def _walk(items, product: int) -> str | None:
    for op, arg in items:
        name = str(op)
        if name == "AT":
            return "'^' and '$' are only supported at the start and the end (a pattern matches the whole value)"
        if name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = arg
            count = low if high == UNBOUNDED else high
            nested = product * max(count, 1)  # for this repeat's body, not its siblings
            if nested > MAX_COUNT:
                return f"repeat counts over {MAX_COUNT} (nested counts multiplied) are not supported"
            problem = _walk(sub, nested)
        elif name == "SUBPATTERN":
            problem = _walk(arg[-1], product)
        elif name == "BRANCH":
            problem = next(
                filter(None, (_walk(branch, product) for branch in arg[1])), None
            )
        elif name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            problem = None
        else:  # back-references, lookarounds, atomic groups, possessive repeats
            problem = f"'{name.lower()}' is not supported"
        if problem:
            return problem
    return None


# RE2 compiles a repeat into copies of its body (an optional copy into one more nested
# alternative), and a class that can match non-ASCII text into many UTF-8 steps.
# pyarrow compiles the pattern on every call, so the size of the program is time spent
# on every record (about 0.08 us a unit below, measured with pyarrow 26: 4 ms at the
# limit; `^C[0-9]{6}$` costs 0.06 ms), and past about 700,000 units RE2 refuses it.
MAX_SIZE = 50_000
MAX_OPTIONAL = 1000  # optional copies of repeats, all together: 1.5 ms at the limit
MAX_SHORTEST = 1000  # the shortest value a pattern takes: the generator makes examples


def _size_problem(tree) -> str | None:
    size, shortest, optional = _measure(tree, 1)
    if size > MAX_SIZE:
        return f"the pattern expands to about {size:,} RE2 steps (expected at most {MAX_SIZE:,})"
    if optional > MAX_OPTIONAL:
        return f"its repeats have {optional:,} optional copies in all (expected at most {MAX_OPTIONAL:,})"
    if shortest > MAX_SHORTEST:
        return f"the shortest value it matches has {shortest:,} characters (expected at most {MAX_SHORTEST:,})"
    return None


def _measure(items, outer: int) -> tuple[int, int, int]:
    """(RE2 steps, shortest match, optional copies) of a sequence repeated `outer` times."""
    size = shortest = optional = 0
    for op, arg in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            size, shortest = size + _weight(name, arg), shortest + 1
        elif name in ("MAX_REPEAT", "MIN_REPEAT"):
            low, high, sub = arg
            extra = 1 if high == UNBOUNDED else high - low
            body = _measure(sub, outer * max(low + extra, 1))
            # Even an empty body is a step per copy for the generator's matcher.
            size += max(body[0], 1) * max(low + extra, 1)
            shortest += body[1] * low
            optional += body[2] + outer * extra
        elif name == "SUBPATTERN":
            body = _measure(arg[-1], outer)
            size, shortest = size + body[0], shortest + body[1]
            optional += body[2]
        elif name == "BRANCH":
            measured = [_measure(branch, outer) for branch in arg[1]]
            size += sum(m[0] for m in measured)
            shortest += min(m[1] for m in measured)
            optional += sum(m[2] for m in measured)
    return size, shortest, optional


def _weight(name: str, arg) -> int:
    """RE2 steps of one character's match: an ASCII literal 1, a class of ASCII
    characters 2, one that can take non-ASCII text (negated, \\D \\W \\S, non-ASCII
    members) by its size."""
    if name == "LITERAL":
        return 1 if arg < 128 else 8
    if name == "ANY":
        return 32
    if name == "NOT_LITERAL":
        return 48
    ascii_only = all(
        (str(kind) == "LITERAL" and value < 128)
        or (str(kind) == "RANGE" and value[1] < 128)
        or (str(kind) == "CATEGORY" and "_NOT_" not in str(value))
        for kind, value in arg
    )
    return 2 if ascii_only else 48 + 16 * len(arg)


# -- matching, the way RE2 reads a pattern of the language ------------------------------
@lru_cache(maxsize=256)
def parsed(pattern: str):
    """The parse tree of a pattern that `pattern_problem` accepts."""
    return _sre.parse(pattern)


def char_matches(op: str, arg, char: str) -> bool:
    """Whether one character matches a LITERAL, NOT_LITERAL, ANY or IN item."""
    if op == "LITERAL":
        return char == chr(arg)
    if op == "NOT_LITERAL":
        return char != chr(arg)
    if op == "ANY":
        return char != "\n"
    negate = False
    for member, value in arg:
        kind = str(member)
        if kind == "NEGATE":
            negate = True
        elif kind == "LITERAL" and char == chr(value):
            return not negate
        elif kind == "RANGE" and value[0] <= ord(char) <= value[1]:
            return not negate
        elif kind == "CATEGORY" and _in_category(str(value), char):
            return not negate
    return negate


def _in_category(category: str, char: str) -> bool:
    inside = char in CLASSES[category.rsplit("_", 1)[-1][0].lower()]
    return not inside if "_NOT_" in category else inside


def fullmatch(pattern: str, text: str) -> bool:
    """Whether `text` as a whole matches `pattern`, in time linear in the text.

    The positions where a match of each item can end are carried as a set, which is how
    RE2 reads a pattern too (no backtracking).
    """
    ends = _ends(parsed(pattern), frozenset({0}), text)
    return len(text) in ends


def _ends(items, starts: frozenset, text: str) -> frozenset:
    for op, arg in items:
        if not starts:
            break
        name = str(op)
        if name == "AT":
            at_start = str(arg) == "AT_BEGINNING"
            starts = frozenset(p for p in starts if p == (0 if at_start else len(text)))
        elif name in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            starts = frozenset(
                p + 1
                for p in starts
                if p < len(text) and char_matches(name, arg, text[p])
            )
        elif name == "SUBPATTERN":
            starts = _ends(arg[-1], starts, text)
        elif name == "BRANCH":
            starts = frozenset().union(*(_ends(b, starts, text) for b in arg[1]))
        else:
            starts = _repeat(arg, starts, text)
    return starts


def _repeat(arg, starts: frozenset, text: str) -> frozenset:
    low, high, sub = arg
    for _ in range(low):
        starts = _ends(sub, starts, text)
    reached, current, count = set(starts), starts, low
    while current and (high == UNBOUNDED or count < high):
        current = _ends(sub, current, text) - reached
        reached |= current
        count += 1
    return frozenset(reached)


__all__ = ["CLASSES", "MAX_LENGTH", "char_matches", "fullmatch", "pattern_problem"]
