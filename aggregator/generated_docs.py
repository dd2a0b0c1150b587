"""Developer docs generated from the code (the issue catalog, the Word template variables): one
way to write them, so `python -m …` of each module and the tests that compare agree."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path


def write_generated(render: Callable[[], str], default: str) -> Path:
    """Write `render()` to the path given on the command line, or to `default`."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(default)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(target)
    return target
