"""The unit list as an Excel workbook the office edits (don-vi.xlsx): read and write.

Columns: Mã đơn vị, Tên đơn vị, Cấp, Mã đơn vị cấp trên, Nhóm, Hiệu lực từ, Hiệu lực đến, Biểu mẫu
phải nộp. "Cấp" takes tỉnh / sở, ban, ngành / huyện / xã (or the English level names); "Biểu mẫu phải
nộp" lists form codes (KTCV, CCHC…) or stays empty (then each round's submitters decide).
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from aggregator.text import fold

HEADERS = ["Mã đơn vị", "Tên đơn vị", "Cấp", "Mã đơn vị cấp trên", "Nhóm", "Hiệu lực từ",
           "Hiệu lực đến", "Biểu mẫu phải nộp"]
KEYS = ["code", "name", "level", "parent", "group", "valid_from", "valid_to", "forms"]
LEVEL_NAMES = {"province": "tỉnh", "agency": "sở, ban, ngành", "district": "huyện",
               "commune": "xã"}
LEVELS_SHEET = "_cap"  # hidden: the dropdown's values, one per cell ("sở, ban, ngành" has commas)
LEVEL_OF = {fold(v): k for k, v in LEVEL_NAMES.items()} | {k: k for k in LEVEL_NAMES}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return (value.date() if isinstance(value, datetime) else value).isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


REQUIRED = ("code", "name", "level", "parent", "group")
ROW = "_row"  # the sheet row of a record, for messages


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of the first sheet as dicts with the CSV keys (code, name, level, …) and the row number
    under ROW. A missing required column is a UnitsError naming it."""
    from aggregator.units.registry import UnitsError
    from aggregator.xlsx_safe import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = wb.worksheets[0].iter_rows(values_only=True)
        header = [fold(_text(h)) for h in next(rows, ())]
        index = {key: header.index(fold(h)) for key, h in zip(KEYS, HEADERS) if fold(h) in header}
        missing = [h for key, h in zip(KEYS, HEADERS) if key in REQUIRED and key not in index]
        if missing:
            raise UnitsError(
                f"Danh mục đơn vị {path} thiếu cột {', '.join(f'“{h}”' for h in missing)} ở dòng "
                f"tiêu đề (dòng 1). Các cột cần có: {', '.join(HEADERS)}.")
        out = []
        for number, row in enumerate(rows, start=2):
            record = {key: _text(row[i]) if i < len(row) else "" for key, i in index.items()}
            if not any(record.values()):
                continue
            record["level"] = LEVEL_OF.get(fold(record.get("level", "")), record.get("level", ""))
            out.append(record | {ROW: str(number)})
    finally:
        wb.close()
    return out


def _levels_range(wb: xlsxwriter.Workbook) -> str:
    """The level names on a hidden sheet; a list written inline is split at every comma."""
    sheet = wb.add_worksheet(LEVELS_SHEET)
    names = list(LEVEL_NAMES.values())
    for r, name in enumerate(names):
        sheet.write_string(r, 0, name)
    sheet.hide()
    return f"='{LEVELS_SHEET}'!$A$1:$A${len(names)}"


def write_units(units, path: Path) -> Path:
    """Write a registry as don-vi.xlsx, with a dropdown for the level and a frozen header."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("Danh mục đơn vị")
    head = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True,
                          "font_name": "Times New Roman"})
    cell = wb.add_format({"border": 1, "font_name": "Times New Roman"})
    day = wb.add_format({"border": 1, "font_name": "Times New Roman", "num_format": "dd/mm/yyyy"})
    for c, (name, width) in enumerate(zip(HEADERS, [12, 44, 16, 18, 16, 13, 13, 20])):
        ws.write_string(0, c, name, head)
        ws.set_column(c, c, width)
    for r, u in enumerate(units.units, start=1):
        ws.write_string(r, 0, u.code, cell)
        ws.write_string(r, 1, u.name, cell)
        ws.write_string(r, 2, LEVEL_NAMES[u.level], cell)
        ws.write_string(r, 3, u.parent or "", cell)
        ws.write_string(r, 4, u.group, cell)
        for c, d in ((5, u.valid_from), (6, u.valid_to)):
            if d:
                ws.write_datetime(r, c, datetime.combine(d, datetime.min.time()), day)
            else:
                ws.write_blank(r, c, None, day)
        ws.write_string(r, 7, ", ".join(u.forms), cell)
    last = len(units.units) + 500  # room for new units
    ws.data_validation(1, 2, last, 2, {"validate": "list", "source": _levels_range(wb)})
    ws.write_comment(0, 7, "Để trống: đơn vị nộp theo cấp/nhóm quy định cho từng kỳ trong "
                     "aggregator.toml. Ghi mã biểu mẫu (ví dụ: KTCV, CCHC) để chỉ định riêng "
                     "đơn vị này phải nộp những biểu nào.", {"x_scale": 2, "y_scale": 1.5})
    ws.set_landscape()  # printed: A4 landscape, every column on one page width, header repeated
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, len(units.units), len(HEADERS) - 1)
    wb.close()
    return path
