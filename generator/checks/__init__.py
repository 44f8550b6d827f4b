"""Cross-field rules of a spec, and the facts later stages build on.

`check_spec` takes a Spec that reads well and proves the things no single key can say:
references exist, the target and ids never reach the model, metrics fit the task, every
division that can meet 0 is guarded, declared ranges follow from the input ranges, and no
null can reach the model. It returns a `CheckedSpec` with the analysed expressions and the
model's ordered columns, or raises SpecError with every problem.

The rules are grouped by what they look at (`fields`, `features`, `columns`, `operations`),
on the reporting and expression analysis of `base`; `scopes` says what expressions may read.
"""

from .checked import CheckedSpec
from .checking import check_spec
from .scopes import field_symbol

__all__ = ["CheckedSpec", "check_spec", "field_symbol"]
