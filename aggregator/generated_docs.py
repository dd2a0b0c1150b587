"""Developer docs generated from the code (the issue catalog, the Word template variables): one
way to write them, so `python -m …` of each module and the tests that compare agree."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from aggregator.render.safe_write import write_text_replacing


def write_generated(render: Callable[[], str], default: str) -> Path:
    """Write `render()` to the path given on the command line, or to `default`."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(default)
    write_text_replacing(target, render())
    print(target)
    return target
