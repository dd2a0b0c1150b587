"""The round's summary workbook (xlsxwriter): what the office prints, annotates and keeps."""

from __future__ import annotations

import math
from pathlib import Path

import xlsxwriter

from aggregator.consolidate import STATUS_LABELS, RoundResult
from aggregator.units import LEVEL_LABELS

FONT = "Times New Roman"


def _formats(wb: xlsxwriter.Workbook) -> dict:
    base = {"font_name": FONT, "border": 1, "valign": "top"}
    return {
        "title": wb.add_format({"font_name": FONT, "bold": True, "font_size": 14}),
        "head": wb.add_format({**base, "bold": True, "align": "center", "valign": "vcenter",
                               "text_wrap": True, "bg_color": "#D9E1F2"}),
        "text": wb.add_format({**base, "text_wrap": True}),
        "bold": wb.add_format({**base, "bold": True, "text_wrap": True}),
        "center": wb.add_format({**base, "align": "center"}),
        "int": wb.add_format({**base, "num_format": "#,##0"}),
        "int_bold": wb.add_format({**base, "num_format": "#,##0", "bold": True}),
        "pct": wb.add_format({**base, "num_format": "0.0\"%\""}),
        "date": wb.add_format({**base, "num_format": "dd/mm/yyyy hh:mm", "align": "center"}),
    }


def _print_setup(ws, result: RoundResult, header_row: int, fit_width: bool = True) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_header(f"&C&\"{FONT}\"{result.form.code} – {result.period.label}")
    ws.set_footer(f"&C&\"{FONT}\"Trang &P/&N")
    ws.freeze_panes(header_row + 1, 0)


def _num(value: float) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def write_summary(path: Path, result: RoundResult) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "nan_inf_to_errors": True})
    f = _formats(wb)
    form = result.form

    # Tổng hợp: province totals in the form's own order ---------------------------------------
    ws = wb.add_worksheet("Tổng hợp")
    ws.write_string(0, 0, f"TỔNG HỢP {form.title.upper()} – {result.period.label.upper()}", f["title"])
    ws.write_string(1, 0, f"Số đơn vị đã báo cáo: {result.submitted}/{result.expected}")
    ws.set_column("A:A", 10)
    ws.set_column("B:B", 70)
    ws.set_column("C:D", 14)
    for c, name in enumerate(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Tổng số"]):
        ws.write_string(3, c, name, f["head"])
    r = 4
    for ind in form.indicators:
        if not ind.is_numeric:
            continue
        top = "." not in ind.code
        ws.write_string(r, 0, ind.code, f["center"])
        ws.write_string(r, 1, ind.label, f["bold"] if top else f["text"])
        ws.write_string(r, 2, ind.unit, f["center"])
        ws.write_number(r, 3, result.totals[ind.code], f["int_bold"] if top else f["int"])
        r += 1
    for d in form.derived:
        ws.write_string(r, 0, d.code, f["center"])
        ws.write_string(r, 1, d.label, f["text"])
        ws.write_string(r, 2, "%", f["center"])
        value = result.derived[d.code]
        if value is None:
            ws.write_string(r, 3, "—", f["center"])
        else:
            ws.write_number(r, 3, value, f["pct"])
        r += 1
    _print_setup(ws, result, 3)

    # Theo đơn vị: units × indicators ---------------------------------------------------------
    ws = wb.add_worksheet("Theo đơn vị")
    codes = form.numeric_codes
    headers = ["STT", "Mã đơn vị", "Tên đơn vị", "Nhóm"] + codes + [d.code for d in form.derived]
    for c, name in enumerate(headers):
        ws.write_string(0, c, name, f["head"])
    ws.set_column(0, 0, 5)
    ws.set_column(1, 1, 10)
    ws.set_column(2, 2, 34)
    ws.set_column(3, 3, 16)
    for c in range(4, len(headers)):
        ws.set_column(c, c, 9)
    row = 1
    for unit_code, values in result.per_unit.iterrows():
        unit = next(s.unit for s in result.statuses if s.unit.code == unit_code)
        ws.write_number(row, 0, row, f["center"])
        ws.write_string(row, 1, unit.code, f["center"])
        ws.write_string(row, 2, unit.name, f["text"])
        ws.write_string(row, 3, LEVEL_LABELS.get(unit.level, unit.level), f["text"])
        for c, code in enumerate(codes, start=4):
            ws.write(row, c, _num(values[code]), f["int"])
        for c, d in enumerate(form.derived, start=4 + len(codes)):
            ws.write(row, c, _num(result.per_unit_derived.loc[unit_code, d.code]), f["pct"])
        row += 1
    ws.write_string(row, 2, "Tổng cộng", f["bold"])
    for c, code in enumerate(codes, start=4):
        ws.write_number(row, c, result.totals[code], f["int_bold"])
    for c, d in enumerate(form.derived, start=4 + len(codes)):
        ws.write(row, c, result.derived[d.code], f["pct"])
    ws.autofilter(0, 0, max(row - 1, 1), len(headers) - 1)
    # Too many columns for one readable page: print across pages, repeating the unit columns.
    _print_setup(ws, result, 0, fit_width=False)
    ws.repeat_columns(0, 3)
    ws.freeze_panes(1, 4)

    # Tình hình nộp báo cáo -------------------------------------------------------------------
    ws = wb.add_worksheet("Tình hình nộp báo cáo")
    for c, name in enumerate(["STT", "Mã đơn vị", "Tên đơn vị", "Ngày nhận", "Tình trạng", "Tệp", "Ghi chú"]):
        ws.write_string(0, c, name, f["head"])
    for c, width in enumerate([5, 10, 34, 17, 13, 40, 60]):
        ws.set_column(c, c, width)
    for i, s in enumerate(result.statuses, start=1):
        ws.write_number(i, 0, i, f["center"])
        ws.write_string(i, 1, s.unit.code, f["center"])
        ws.write_string(i, 2, s.unit.name, f["text"])
        if s.received_at:
            ws.write_datetime(i, 3, s.received_at, f["date"])
        else:
            ws.write_blank(i, 3, None, f["date"])
        ws.write_string(i, 4, STATUS_LABELS[s.status], f["center"])
        ws.write_string(i, 5, s.file or "", f["text"])
        ws.write_string(i, 6, "\n".join(s.rejected_issues[:5]), f["text"])
    ws.autofilter(0, 0, max(len(result.statuses), 1), 6)
    _print_setup(ws, result, 0)

    # Lỗi, cảnh báo ---------------------------------------------------------------------------
    ws = wb.add_worksheet("Lỗi, cảnh báo")
    for c, name in enumerate(["Mã đơn vị", "Tên đơn vị", "Mức độ", "Nội dung"]):
        ws.write_string(0, c, name, f["head"])
    for c, width in enumerate([10, 34, 10, 100]):
        ws.set_column(c, c, width)
    row = 1
    for s in result.statuses:
        for message in s.rejected_issues:
            for c, v in enumerate([s.unit.code, s.unit.name, "Lỗi", message]):
                ws.write_string(row, c, v, f["text"])
            row += 1
    for unit, message in result.warnings:
        for c, v in enumerate([unit.code, unit.name, "Cảnh báo", message]):
            ws.write_string(row, c, v, f["text"])
        row += 1
    _print_setup(ws, result, 0)

    # Ý kiến đơn vị ---------------------------------------------------------------------------
    ws = wb.add_worksheet("Ý kiến đơn vị")
    for c, name in enumerate(["Mã chỉ tiêu", "Nội dung", "Đơn vị", "Ý kiến"]):
        ws.write_string(0, c, name, f["head"])
    for c, width in enumerate([10, 30, 30, 90]):
        ws.set_column(c, c, width)
    row = 1
    for code, pairs in result.texts.items():
        for unit, answer in pairs:
            for c, v in enumerate([code, form.by_code[code].label, unit.name, answer]):
                ws.write_string(row, c, v, f["text"])
            row += 1
    _print_setup(ws, result, 0)
    wb.close()
    return path
