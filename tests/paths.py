"""Where the tests find the reference specs and the broken-spec corpus."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CHURN = EXAMPLES / "churn.yaml"
MINIMAL = EXAMPLES / "minimal.yaml"
BROKEN = Path(__file__).resolve().parent / "specs" / "broken"
