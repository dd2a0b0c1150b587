"""Open any spreadsheet format with python-calamine (or, when it cannot, a second reader: see
fallback.py) into plain grids with A1 positions."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from aggregator.read.fallback import read_fallback

SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class WorkbookUnreadable(Exception):
    """The file could not be opened as a spreadsheet (content problem, reported as an issue).

    `str(exc)` is a Vietnamese reason for the unit; `detail`, the library's own (English) words,
    is for developers only and never shown to a user."""

    def __init__(self, reason: str, detail: str = "", encrypted: bool = False):
        super().__init__(reason)
        self.detail, self.encrypted = detail, encrypted


class SheetTooLarge(WorkbookUnreadable):
    """A sheet whose filled cells reach beyond the limits (caught after parsing, before the grid is
    built, for the formats the guard cannot look into: .xls, .xlsb)."""

    def __init__(self, sheet: str, cell: str):
        super().__init__("vùng dữ liệu quá lớn")
        self.sheet, self.cell = sheet, cell


def _reason(detail: str) -> str:
    """A Vietnamese reason chosen from the kind of a library's failure."""
    low = detail.lower()
    if "zip" in low or "eof" in low:
        return "gói nén của tệp bị hỏng"
    if "xml" in low or "expecting" in low or "tag" in low:
        return "nội dung bên trong tệp bị hỏng"
    if "detect" in low or "format" in low or "unsupported" in low:
        return "không nhận ra định dạng bảng tính"
    return "tệp bị hỏng hoặc không phải bảng tính"


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


def _far_cell(sheet, max_rows: int | None, max_cols: int | None) -> str | None:
    """The first filled cell beyond the limits, row by row (one row in memory at a time)."""
    top, left = sheet.start
    rows = math.inf if max_rows is None else max_rows
    cols = math.inf if max_cols is None else max_cols
    for r, row in enumerate(sheet.iter_rows(), start=top):
        for c, value in enumerate(row, start=left):
            if value != "" and (r >= rows or c >= cols):
                return a1(r, c)
    return None


def _calamine(source: Path | bytes, wanted, max_rows: int | None,
              max_cols: int | None) -> list[Sheet]:
    book = (CalamineWorkbook.from_filelike(io.BytesIO(source)) if isinstance(source, bytes)
            else CalamineWorkbook.from_path(str(source)))
    sheets = []
    for meta in book.sheets_metadata:
        visible = meta.visible == SheetVisibleEnum.Visible
        if not wanted(meta.name, visible) or meta.typ != SheetTypeEnum.WorkSheet:
            continue  # the list behind a dropdown, a chart sheet: nothing to read there
        sheet = book.get_sheet_by_name(meta.name)  # a sheet that fails fails the file, aloud
        if (max_rows is not None and sheet.height > max_rows
                or max_cols is not None and sheet.width > max_cols):
            far = _far_cell(sheet, max_rows, max_cols)  # None: only empty (formatted) cells
            if far is not None:
                raise SheetTooLarge(meta.name, far)
        sheets.append(Sheet(meta.name, visible, sheet.to_python(skip_empty_area=False)))
    return sheets


def open_workbook(source: Path | bytes, hidden: frozenset[str] | None = None,
                  max_rows: int | None = None, max_cols: int | None = None) -> RawWorkbook:
    """All visible sheets; of the hidden ones only those named in `hidden` (None: all of them).

    `source` is a path or the file's bytes (already read by the guard: the format is sniffed).
    A sheet filled beyond `max_rows` × `max_cols` (when given) raises SheetTooLarge."""
    def wanted(name: str, visible: bool) -> bool:
        return visible or hidden is None or name in hidden

    try:
        return RawWorkbook(_calamine(source, wanted, max_rows, max_cols))
    except SheetTooLarge:
        raise
    except Exception as exc:  # calamine raises several types for corrupt input
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        failure = exc
    try:
        sheets = read_fallback(source if isinstance(source, bytes) else source.read_bytes(), wanted)
    except Exception:  # the second reader fails too: the first one's failure tells why
        sheets = None
    if sheets is not None:
        return RawWorkbook([Sheet(name, visible, rows) for name, visible, rows in sheets])
    encrypted = any(word in detail.lower() for word in ("password", "encrypt"))
    raise WorkbookUnreadable(_reason(detail), detail, encrypted) from failure
