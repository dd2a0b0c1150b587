"""openpyxl with hardened XML parsing: defusedxml is installed before openpyxl parses anything."""

from __future__ import annotations

from pathlib import Path

import defusedxml  # noqa: F401  openpyxl switches to defusedxml when it is importable
import openpyxl
from openpyxl.workbook.workbook import Workbook

if not openpyxl.DEFUSEDXML:  # pragma: no cover - guards against a packaging change
    raise ImportError("openpyxl did not pick up defusedxml")


def load_workbook(path: Path, **kwargs) -> Workbook:
    return openpyxl.load_workbook(str(path), **kwargs)
