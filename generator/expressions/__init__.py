"""The expression language of features and decision rules.

A spec expression is parsed with Python's `ast` and accepted only if every node is on an
allow-list: arithmetic, comparisons, and/or/not, numeric literals, text literals compared to
a category, names the scope defines and calls of the functions in `schema.FUNCTIONS`.
Nothing a spec says is ever executed: the accepted tree is

- *analyzed* (`analysis`, with the rules of `operators` and `calls`): types, nullability and
  the interval of values it can take (for range proofs and division-by-zero checks),
- *compiled* to vectorized numpy/pandas source, built node by node from validated names
  and `repr`-ed literals (never by pasting the spec's text),
- *evaluated* on single values by our own small interpreter (`interpreter`), which gives
  the expected values of the generated tests independently of the generated code.
"""

from ..schema import FUNCTIONS
from .analysis import MAX_MAGNITUDE, Analyzer, analyze
from .interpreter import evaluate
from .parsing import MAX_DEPTH, MAX_LENGTH, MAX_NODES, parse
from .terms import BOOLEAN, DATE, NUMBER, TEXT, Analysis, ExprProblem, Symbol, Typed

__all__ = [
    "BOOLEAN",
    "DATE",
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_MAGNITUDE",
    "MAX_NODES",
    "NUMBER",
    "TEXT",
    "Analysis",
    "Analyzer",
    "ExprProblem",
    "Symbol",
    "Typed",
    "analyze",
    "evaluate",
    "parse",
]
