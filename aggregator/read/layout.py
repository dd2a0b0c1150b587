"""Find things by their labels, never by fixed address: labelled cells, data tables, line lists.

Units insert rows and columns, merge cells, hide rows: everything here is located by header text
and indicator code, so such edits do not break reading.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from aggregator.forms import FormSpec, LineList
from aggregator.read.workbook import RawWorkbook, Sheet, a1
from aggregator.text import fold

CODE_HEADER = fold("Mã chỉ tiêu")
VALUE_HEADER = fold("Số liệu")


class Located(NamedTuple):  # a tuple: built for every cell of every file, and pickled back
    value: object
    sheet: str
    cell: str


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_labelled(book: RawWorkbook, label: str) -> Located | None:
    """The first non-blank cell to the right of a cell reading `label` (any case, any diacritics).

    If the label is found but nothing is to its right, the cell next to it is returned with a blank value.
    """
    key = fold(label)
    for sheet in book.sheets:
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and fold(value).rstrip(":").strip() == key:
                    for cc in range(c + 1, len(row)):
                        if not blank(row[cc]):
                            return Located(row[cc], sheet.name, a1(r, cc))
                    return Located("", sheet.name, a1(r, c + 1))
    return None


def code_text(value: object) -> str:
    """Indicator codes as a spreadsheet may store them: '1.1', 1.1, 1.0 → '1.1', '1.1', '1'."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip().rstrip(".")


@dataclass(frozen=True)
class DataTable:
    """A header row with 'Mã chỉ tiêu' and value columns: 'Số liệu' (key '') or matrix keys."""

    sheet: Sheet
    header_row: int
    code_col: int
    value_cols: dict[str, int]  # '' for "Số liệu", else the matrix option key


def _headers(row: list[object]) -> dict[str, int]:
    return {fold(v): c for c, v in enumerate(row) if isinstance(v, str) and v.strip()}


def find_tables(book: RawWorkbook, matrix_keys: set[str]) -> list[DataTable]:
    folded_keys = {fold(k): k for k in matrix_keys}
    tables = []
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        for r, row in enumerate(sheet.rows):
            headers = _headers(row)
            if CODE_HEADER not in headers:
                continue
            cols = {"": headers[VALUE_HEADER]} if VALUE_HEADER in headers else {}
            cols |= {folded_keys[h]: c for h, c in headers.items() if h in folded_keys}
            if cols:
                tables.append(DataTable(sheet, r, headers[CODE_HEADER], cols))
    return tables


def locate_cells(tables: list[DataTable]) -> dict[str, Located]:
    """Indicator code (or 'row.KEY' for matrix cells) → its value cell. The first occurrence wins.

    A table's rows run from its header to the next header on the same sheet.
    """
    found: dict[str, Located] = {}
    for i, t in enumerate(tables):
        nxt = tables[i + 1] if i + 1 < len(tables) else None
        end = nxt.header_row if nxt and nxt.sheet is t.sheet else len(t.sheet.rows)
        for r in range(t.header_row + 1, end):
            raw = t.sheet.value(r, t.code_col)
            if blank(raw):
                continue
            code = code_text(raw)
            for key, col in t.value_cols.items():
                address = f"{code}.{key}" if key else code
                if address not in found:
                    found[address] = Located(t.sheet.value(r, col), t.sheet.name, a1(r, col))
    return found


@dataclass(frozen=True)
class Item:
    """One row of a line list: column key → its cell."""

    row: int  # 1-based spreadsheet row
    cells: dict[str, Located]

    @property
    def filled(self) -> dict[str, Located]:
        return {k: c for k, c in self.cells.items() if not blank(c.value)}


def read_line_list(book: RawWorkbook, ll: LineList) -> tuple[list[Item], str | None]:
    """Rows under the header whose cells match the most column labels (at least half of them).

    Returns the items (blank rows dropped) and the sheet name, or ([], None) if no header is found.
    """
    labels = {fold(c.label): c.key for c in ll.columns} | {fold(c.key): c.key for c in ll.columns}
    best: tuple[int, Sheet, int, dict[str, int]] | None = None
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        for r, row in enumerate(sheet.rows):
            cols = {labels[h]: c for h, c in _headers(row).items() if h in labels}
            if len(cols) * 2 >= len(ll.columns) and (best is None or len(cols) > best[0]):
                best = (len(cols), sheet, r, cols)
    if best is None:
        return [], None
    _, sheet, header, cols = best
    items = []
    for r in range(header + 1, len(sheet.rows)):
        item = Item(r + 1, {k: Located(sheet.value(r, c), sheet.name, a1(r, c)) for k, c in cols.items()})
        if item.filled:
            items.append(item)
    return items, sheet.name


def form_matrix_keys(form: FormSpec) -> set[str]:
    return {c.key for m in form.matrices for c in m.columns}
