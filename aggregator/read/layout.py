"""Find things by their labels, never by fixed address: labelled cells and data tables."""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.read.workbook import RawWorkbook, Sheet, a1
from aggregator.text import fold

CODE_HEADER = fold("Mã chỉ tiêu")
VALUE_HEADER = fold("Số liệu")


@dataclass(frozen=True)
class Located:
    value: object
    sheet: str
    cell: str


def _blank(value: object) -> bool:
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
                        if not _blank(row[cc]):
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
    sheet: Sheet
    header_row: int
    code_col: int
    value_col: int

    def cells(self) -> dict[str, Located]:
        """Indicator code → its value cell. The first row carrying a code wins."""
        found: dict[str, Located] = {}
        for r in range(self.header_row + 1, len(self.sheet.rows)):
            raw = self.sheet.value(r, self.code_col)
            if _blank(raw):
                continue
            code = code_text(raw)
            if code not in found:
                found[code] = Located(
                    self.sheet.value(r, self.value_col), self.sheet.name, a1(r, self.value_col)
                )
        return found


def find_data_table(book: RawWorkbook) -> DataTable | None:
    """The first row, on any visible sheet, with both a 'Mã chỉ tiêu' and a 'Số liệu' header."""
    for sheet in book.sheets:
        if not sheet.visible:
            continue
        for r, row in enumerate(sheet.rows):
            headers = {fold(v): c for c, v in enumerate(row) if isinstance(v, str) and v.strip()}
            if CODE_HEADER in headers and VALUE_HEADER in headers:
                return DataTable(sheet, r, headers[CODE_HEADER], headers[VALUE_HEADER])
    return None
