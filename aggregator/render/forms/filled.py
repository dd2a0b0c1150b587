"""Fill a generated form with openpyxl, as a unit's clerk would in Excel."""

from __future__ import annotations

import re
from pathlib import Path

from aggregator.read.layout import CODE_HEADER, VALUE_HEADER
from aggregator.text import fold
from aggregator.xlsx_safe import load_workbook

_KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")  # matrix option keys: KH, HT, KQ, SVP…


def fill_form(template: Path, values: dict[str, object], out: Path, *, unit: str | None = None,
              period: str | None = None, items: list[dict[str, object]] | None = None,
              item_labels: dict[str, str] | None = None) -> Path:
    """`values`: code or 'row.KEY' → value; `items`: line-list rows keyed by column key, written
    under the header whose cells are `item_labels` (key → label)."""
    wb = load_workbook(template)
    labels = {fold("Mã đơn vị"): unit, fold("Kỳ báo cáo"): period}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        value_cols: dict[str, int] = {}
        code_col = None
        for row in ws.iter_rows():
            texts = {fold(str(c.value)): c.column for c in row if isinstance(c.value, str)}
            for c in row:
                if isinstance(c.value, str) and labels.get(fold(c.value)) is not None:
                    ws.cell(c.row, c.column + 1).value = labels[fold(c.value)]
            if CODE_HEADER in texts:  # a data table header: "Số liệu" or matrix option keys
                code_col = texts[CODE_HEADER]
                value_cols = {"": texts[VALUE_HEADER]} if VALUE_HEADER in texts else {}
                value_cols |= {c.value: c.column for c in row
                               if isinstance(c.value, str) and _KEY.match(c.value)}
                continue
            if items and item_labels and fold(item_labels[next(iter(item_labels))]) in texts:
                cols = {k: texts[fold(v)] for k, v in item_labels.items() if fold(v) in texts}
                for offset, item in enumerate(items, start=1):
                    for key, value in item.items():
                        ws.cell(row[0].row + offset, cols[key]).value = value
                continue
            if code_col is None:
                continue
            code = ws.cell(row[0].row, code_col).value
            if code is None:
                continue
            for key, col in value_cols.items():
                address = f"{code}.{key}" if key else str(code)
                if address in values:
                    ws.cell(row[0].row, col).value = values[address]
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
