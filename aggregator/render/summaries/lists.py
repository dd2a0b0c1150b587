"""List sheets of the summary workbook: reporting status, issues, units' texts, line-list items,
one row per file (DKT inspections), and the native charts."""

from __future__ import annotations

import math
from datetime import date

import pandas as pd

from aggregator.consolidate import STATUS_LABELS, RoundResult
from aggregator.consolidate.completeness import level_label
from aggregator.render.summaries.style import print_setup, write_number
from aggregator.render.unit_text import cell_parts, cell_text
from aggregator.units import reporting_name
from aggregator.vn_format import short_date


def _headers(ws, f, row: int, names: list[str], widths: list[int]) -> None:
    for col, (name, width) in enumerate(zip(names, widths)):
        ws.write_string(row, col, name, f["head"])
        ws.set_column(col, col, width)


def write_status(wb, f, result: RoundResult, title: str, only_exceptions: bool = False) -> None:
    """Per group, then per unit — for very large rounds only the units not on time."""
    ws = wb.add_worksheet("Tình hình nộp báo cáo")
    _headers(ws, f, 0, ["Nhóm", "Phải nộp", "Đã nộp", "Đúng hạn", "Muộn", "Bị trả lại", "Chưa nộp",
                        "Tỷ lệ đã nộp (%)", "Tỷ lệ đúng hạn (%)"], [30, 10, 10, 10, 10, 10, 10, 12, 12])
    rows = result.by_group + ([result.overall] if result.overall else [])
    for r, c in enumerate(rows, start=1):
        bold = c is result.overall
        ws.write_string(r, 0, c.label, f["bold" if bold else "text"])
        for col, v in enumerate([c.expected, c.reported, c.on_time, c.late, c.rejected, c.missing],
                                start=1):
            ws.write_number(r, col, v, f["count_bold" if bold else "count"])
        write_number(ws, r, 7, c.completeness, f["rate"], f["center"])
        write_number(ws, r, 8, c.timeliness, f["rate"], f["center"])
    start = len(rows) + 2
    names = ["STT", "Mã đơn vị", "Tên đơn vị", "Nhóm", "Ngày nhận", "Tình trạng", "Tệp", "Ghi chú"]
    for col, name in enumerate(names):
        ws.write_string(start, col, name, f["head"])
    ws.set_column(2, 2, 32)
    ws.set_column(6, 7, 40)
    listed = [s for s in result.statuses if not only_exceptions or s.status != "on_time"]
    for i, s in enumerate(listed, start=1):
        r = start + i
        ws.write_number(r, 0, i, f["center"])
        ws.write_string(r, 1, s.unit.code, f["center"])
        ws.write_string(r, 2, reporting_name(s.unit), f["text"])
        ws.write_string(r, 3, level_label(s.unit), f["text"])
        if s.received_at:
            ws.write_datetime(r, 4, s.received_at, f["date"])
        else:
            ws.write_blank(r, 4, None, f["date"])
        ws.write_string(r, 5, STATUS_LABELS[s.status], f["center"])
        ws.write_string(r, 6, cell_text(s.file or ""), f["text"])
        ws.write_string(r, 7, cell_text("\n".join(s.rejected_issues[:5])), f["text"])
    ws.autofilter(start, 0, start + max(len(listed), 1), len(names) - 1)
    print_setup(ws, title, start)


def write_issues(wb, f, result: RoundResult, title: str) -> None:
    ws = wb.add_worksheet("Lỗi, cảnh báo")
    _headers(ws, f, 0, ["Mã đơn vị", "Tên đơn vị", "Mức độ", "Nội dung"], [10, 30, 10, 100])
    row = 1
    for s in result.statuses:
        for message in s.rejected_issues:
            for col, v in enumerate([s.unit.code, reporting_name(s.unit), "Lỗi", cell_text(message)]):
                ws.write_string(row, col, v, f["text"])
            row += 1
    for unit, message in result.warnings:
        for col, v in enumerate([unit.code, reporting_name(unit), "Cảnh báo", cell_text(message)]):
            ws.write_string(row, col, v, f["text"])
        row += 1
    print_setup(ws, title, 0)


def write_texts(wb, f, result: RoundResult, title: str, grouped: bool = False) -> None:
    """Units' answers, one per row — or, for very large rounds, identical answers once with how
    many units gave them."""
    if not result.form.text_codes:
        return
    ws = wb.add_worksheet("Ý kiến đơn vị")
    if grouped:
        _headers(ws, f, 0, ["Mã chỉ tiêu", "Nội dung", "Ý kiến", "Số đơn vị", "Một số đơn vị"],
                 [9, 28, 70, 10, 50])
    else:
        _headers(ws, f, 0, ["Mã chỉ tiêu", "Nội dung", "Đơn vị", "Ý kiến"], [9, 28, 28, 90])
    row = 1
    for code, pairs in result.texts.items():
        label = result.form.by_code[code].label
        if grouped:
            same: dict[str, list[str]] = {}
            for unit, answer in pairs:
                same.setdefault(cell_text(answer), []).append(reporting_name(unit))
            for answer, units in sorted(same.items(), key=lambda kv: -len(kv[1])):
                for col, v in enumerate([code, label, answer]):
                    ws.write_string(row, col, v, f["text"])
                ws.write_number(row, 3, len(units), f["count"])
                ws.write_string(row, 4, ", ".join(units[:5]), f["text"])
                row += 1
            continue
        for unit, answer in pairs:  # a text longer than a cell holds goes on in the rows below
            for n, part in enumerate(cell_parts(answer)):
                continued = label if n == 0 else f"{label} (tiếp)"
                for col, v in enumerate([code, continued, reporting_name(unit), part]):
                    ws.write_string(row, col, v, f["text"])
                row += 1
    print_setup(ws, title, 0)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return short_date(date.fromisoformat(value))  # ISO date → 15/6/2024
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return cell_text(str(value))


def write_items(wb, f, result: RoundResult, title: str) -> None:
    ll = result.form.line_list
    if ll is None:
        return
    ws = wb.add_worksheet("Danh mục")
    columns = [c for c in ll.columns if c.key != "STT"]
    _headers(ws, f, 0, ["STT", "Đơn vị"] + [c.label for c in columns],
             [5, 28] + [14 if c.type in ("date", "choice") else 32 for c in columns])
    choice = next((c for c in columns if c.type == "choice"), None)
    for n, item in enumerate(result.items.itertuples(index=False), start=1):
        record = item._asdict()
        ws.write_number(n, 0, n, f["center"])
        ws.write_string(n, 1, reporting_name(result.unit(record["unit"])), f["text"])
        open_item = choice is not None and record.get(choice.key) != choice.choices[0]
        for col, c in enumerate(columns, start=2):
            ws.write_string(n, col, _cell(record.get(c.key)), f["bold" if open_item else "text"])
    if len(result.items):
        ws.autofilter(0, 0, len(result.items), len(columns) + 1)
    print_setup(ws, title, 0)


def write_records(wb, f, result: RoundResult, title: str) -> None:
    """One row per file in force, for forms sent several times per unit (DKT: the inspections)."""
    form = result.form
    if not form.instance_key or result.records.empty:
        return
    ws = wb.add_worksheet("Danh sách")
    scalars = [i for i in form.scalars]
    choice_cells = [i for i in form.cells if i.type == "choice" and i not in scalars]
    heads = ["STT", "Đơn vị"] + [i.label for i in scalars] + ["Số nội dung chưa đạt", "Số vi phạm"]
    _headers(ws, f, 0, heads, [5, 28] + [30 if i.type == "text" else 14 for i in scalars] + [12, 10])
    counts = [i.code for i in form.cells if i.type == "count" and i not in scalars]
    for n, (_, rec) in enumerate(result.records.iterrows(), start=1):
        ws.write_number(n, 0, n, f["center"])
        ws.write_string(n, 1, reporting_name(result.unit(rec["unit"])), f["text"])
        for col, ind in enumerate(scalars, start=2):
            ws.write_string(n, col, _cell(rec.get(ind.code)), f["text"])
        failed = sum(1 for i in choice_cells if rec.get(i.code) == i.choices[1])
        ws.write_number(n, len(scalars) + 2, failed, f["count"])
        ws.write_number(n, len(scalars) + 3, sum(float(rec.get(c) or 0) for c in counts), f["count"])
    print_setup(ws, title, 0)


def write_charts(wb, f, result: RoundResult, title: str) -> None:
    """Native Excel charts, each over a small data table written on the same sheet."""
    form = result.form
    if not form.charts:
        return
    ws = wb.add_worksheet("Biểu đồ")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 12)
    row = 0
    labels = form.by_code | {d.code: d for d in form.derived}
    for spec in form.charts:
        ws.write_string(row, 0, spec.title, f["bold"])
        first = row + 1
        if spec.codes:
            data = [(labels[c].label, result.totals.get(c)) for c in spec.codes]
        else:  # one bar per unit directly below the consolidating unit
            source = (result.child_derived if spec.per_unit in result.child_derived
                      else result.child_values)
            series = (source[spec.per_unit].dropna().sort_values(ascending=False)
                      if spec.per_unit in source else pd.Series(dtype=float))
            data = [(result.reporting_names.get(code, code), value) for code, value in series.items()]
        for i, (label, value) in enumerate(data):
            ws.write_string(first + i, 0, label, f["text"])
            write_number(ws, first + i, 1, value, f["rate"] if spec.per_unit else f["count"],
                         f["center"])
        last = first + max(len(data), 1) - 1
        chart = wb.add_chart({"type": "bar" if spec.per_unit else "column"})
        chart.add_series({
            "name": spec.title,
            "categories": ["Biểu đồ", first, 0, last, 0],
            "values": ["Biểu đồ", first, 1, last, 1],
            "data_labels": {"value": True, "font": {"name": "Times New Roman", "size": 9}},
            "fill": {"color": "#2F5597"},
        })
        chart.set_title({"name": spec.title, "name_font": {"name": "Times New Roman", "size": 12}})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"name": "Times New Roman", "size": 9}})
        y_axis = {"num_font": {"name": "Times New Roman", "size": 9}, "min": 0}
        chart.set_y_axis(y_axis | ({"reverse": True} if spec.per_unit else {}))
        height = max(300, 24 * len(data) + 80) if spec.per_unit else 320
        chart.set_size({"width": 720, "height": height})
        ws.insert_chart(first, 3, chart)
        row = max(last + 2, first + int(height / 20) + 1)

    print_setup(ws, title, 0)
