"""Open any spreadsheet format with python-calamine into plain grids with A1 positions."""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetVisibleEnum

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class WorkbookUnreadable(Exception):
    """The file could not be opened as a spreadsheet (content problem, reported as an issue)."""


@dataclass(frozen=True)
class Sheet:
    name: str
    visible: bool
    rows: list[list[object]]  # rows[r][c] is cell (r+1, c+1): A1-aligned, blanks as ""

    def value(self, row: int, col: int) -> object:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return ""


@dataclass(frozen=True)
class RawWorkbook:
    sheets: list[Sheet]

    def sheet(self, name: str) -> Sheet | None:
        return next((s for s in self.sheets if s.name == name), None)


@lru_cache(maxsize=1 << 14)  # the same few hundred addresses recur in every file
def a1(row: int, col: int) -> str:
    """Zero-based (row, col) → 'D7'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


def open_workbook(source: Path | bytes, hidden: frozenset[str] | None = None) -> RawWorkbook:
    """All visible sheets; of the hidden ones only those named in `hidden` (None: all of them).

    `source` is a path or the file's bytes (already read by the guard: the format is sniffed)."""
    try:
        book = (CalamineWorkbook.from_filelike(io.BytesIO(source)) if isinstance(source, bytes)
                else CalamineWorkbook.from_path(str(source)))
        sheets = []
        for meta in book.sheets_metadata:
            visible = meta.visible == SheetVisibleEnum.Visible
            if not visible and hidden is not None and meta.name not in hidden:
                continue  # e.g. the list behind a dropdown: nothing to read there
            try:
                rows = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
            except Exception:  # chart sheets and other non-grid sheets have no cells
                continue
            sheets.append(Sheet(meta.name, visible, rows))
        return RawWorkbook(sheets)
    except Exception as exc:  # calamine raises several types for corrupt input
        raise WorkbookUnreadable(str(exc).splitlines()[0] if str(exc) else type(exc).__name__) from exc
