"""Fill a generated form with openpyxl, as a unit's clerk would in Excel."""

from __future__ import annotations

from pathlib import Path

from aggregator.read.layout import CODE_HEADER, VALUE_HEADER
from aggregator.text import fold
from aggregator.xlsx_safe import load_workbook


def fill_form(template: Path, values: dict[str, object], out: Path) -> Path:
    wb = load_workbook(template)
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        header = None
        for row in ws.iter_rows():
            cols = {fold(str(c.value)): c.column for c in row if isinstance(c.value, str)}
            if CODE_HEADER in cols and VALUE_HEADER in cols:
                header = (row[0].row, cols[CODE_HEADER], cols[VALUE_HEADER])
                break
        if header is None:
            continue
        header_row, code_col, value_col = header
        for r in range(header_row + 1, ws.max_row + 1):
            code = ws.cell(r, code_col).value
            if code is not None and str(code) in values:
                ws.cell(r, value_col).value = values[str(code)]
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
