"""The round's summary workbook (xlsxwriter): what the office prints, annotates and keeps.

Sheets: Tổng hợp (province totals in the form's own layout), Theo đơn vị (units × key indicators,
grouped, with subtotals; fits the page width), Chi tiết theo đơn vị (every indicator), Tình hình nộp
báo cáo, Lỗi, cảnh báo, Ý kiến đơn vị, the form's lists (KPKN items, DKT inspections) and Biểu đồ.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import xlsxwriter

from aggregator.consolidate import RoundResult, aggregate, derived_of
from aggregator.consolidate.completeness import level_label
from aggregator.forms import Indicator, Matrix
from aggregator.render.safe_write import write_replacing
from aggregator.render.summaries.lists import (
    write_charts,
    write_issues,
    write_items,
    write_records,
    write_status,
    write_texts,
)
from aggregator.render.summaries.style import (
    FONT,
    formats,
    print_setup,
    wrapped_height,
    write_number,
)
from aggregator.vn_format import number, short_date

LARGE_ROUND = 2000  # expected units above which per-unit detail goes to a CSV
LABEL_WIDTH = 62  # the "Chỉ tiêu" column of the Tổng hợp sheet
NAME_WIDTH = 26  # the "Tên đơn vị" column of the per-unit sheets


def _title(result: RoundResult) -> str:
    return f"{result.form.code} – {result.period.label}"


def _indicator_row(ws, f, row: int, ind: Indicator, value: float | None) -> None:
    top = "." not in ind.code
    mean = ind.aggregation == "mean"
    label = ind.label + (" (bình quân các đơn vị)" if mean else "")
    if height := wrapped_height(label, LABEL_WIDTH):
        ws.set_row(row, height)
    ws.write_string(row, 0, ind.code, f["center"])
    ws.write_string(row, 1, label, f["bold"] if top else f["text"])
    ws.write_string(row, 2, ind.unit, f["center"])
    fmt = f["rate_bold" if top else "rate"] if mean else f["count_bold" if top else "count"]
    write_number(ws, row, 3, value, fmt, f["center"])


def _matrix_rows(ws, f, row: int, m: Matrix, result: RoundResult) -> int:
    numeric = [c for c in m.columns if c.type in ("count", "percent", "score")]
    choice = [c for c in m.columns if c.type == "choice"]
    head = ["Mã", m.title] + [c.label for c in numeric]
    for c in choice:
        head += [f"{c.label}: {option}" for option in c.choices]
        head.append(f"Tỷ lệ “{c.choices[0]}” (%)")
    ws.set_row(row, 2 * 15)  # "Nhiệm vụ theo kế hoạch" wraps in its column
    for col, name in enumerate(head):
        ws.write_string(row, col, name, f["head"])
    for r in m.rows:
        row += 1
        total = r.code == m.total_row
        if height := wrapped_height(r.label, LABEL_WIDTH):
            ws.set_row(row, height)
        ws.write_string(row, 0, r.code, f["center"])
        ws.write_string(row, 1, r.label, f["bold"] if total else f["text"])
        col = 2
        for c in numeric:
            write_number(ws, row, col, result.totals.get(f"{r.code}.{c.key}"),
                         f["count_bold"] if total else f["count"], f["center"])
            col += 1
        for c in choice:
            counts = (result.choices.loc[f"{r.code}.{c.key}"] if f"{r.code}.{c.key}" in
                      result.choices.index else None)
            for option in c.choices:
                ws.write_number(row, col, int(counts[option]) if counts is not None else 0,
                                f["count"])
                col += 1
            judged = sum(int(counts[o]) for o in c.choices[:2]) if counts is not None else 0
            share = int(counts[c.choices[0]]) / judged * 100 if judged else None
            write_number(ws, row, col, share, f["rate"], f["center"])
            col += 1
    return row + 2


def _write_totals(wb, f, result: RoundResult) -> None:
    ws = wb.add_worksheet("Tổng hợp")
    form = result.form
    ws.write_string(0, 0, f"TỔNG HỢP {form.title.upper()} – {result.period.label.upper()}", f["title"])
    deadline = (f"; hạn gửi báo cáo {result.round.deadline_text}" if result.round.timeliness
                else "")  # direct-inspection records are sent during the year, never late
    ws.write_string(1, 0, f"{result.round.window_text}{deadline}.", f["subtitle"])
    ws.write_string(2, 0, f"Số đơn vị đã báo cáo: {number(result.submitted)}/"
                          f"{number(result.expected)} (đúng hạn {number(result.count('on_time'))}, "
                          f"muộn {number(result.count('late'))}); tình hình nhận báo cáo đến ngày "
                          f"{short_date(result.as_of)}.", f["subtitle"])
    for col, width in enumerate([9, LABEL_WIDTH, 14, 14, 12, 12, 12, 12]):
        ws.set_column(col, col, width)
    header = 4
    ws.set_row(header, 2 * 15)  # "Mã chỉ tiêu" wraps in its column
    for col, name in enumerate(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Tổng số"]):
        ws.write_string(header, col, name, f["head"])
    row = header + 1
    for section in form.sections:
        if section.indicators:
            for ind in section.indicators:
                if ind.is_numeric:
                    _indicator_row(ws, f, row, ind, result.totals[ind.code])
                    row += 1
        elif section.matrix:
            row = _matrix_rows(ws, f, row + 1, section.matrix, result)
        elif section.line_list:
            for ind in form.tallies:
                _indicator_row(ws, f, row, ind, result.totals[ind.code])
                row += 1
    for d in form.derived:
        ws.write_string(row, 0, d.code, f["center"])
        ws.write_string(row, 1, d.label, f["text"])
        ws.write_string(row, 2, "%", f["center"])
        write_number(ws, row, 3, result.derived[d.code], f["rate"], f["center"])
        row += 1
    print_setup(ws, _title(result), header)


def _per_unit_sheet(wb, f, result: RoundResult, name: str, codes: list[str], fit: bool,
                    frame: pd.DataFrame, derived_frame: pd.DataFrame) -> None:
    """Units (or the units directly below the consolidating one) × indicators, grouped with
    subtotals. `frame`/`derived_frame`: one row per unit, indexed by unit code."""
    form = result.form
    ws = wb.add_worksheet(name)
    derived = [d.code for d in form.derived]
    by_code = form.by_code
    names = {d.code: d.label for d in form.derived} | {c: by_code[c].label for c in codes}
    columns = codes + derived
    heads = ["STT", "Mã", "Tên đơn vị"] + [f"{c}. {names[c]}" for c in columns]
    for col, head in enumerate(heads):
        ws.write_string(0, col, head, f["head_small"])
    ws.set_row(0, 150 if fit else 110)
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 10)  # "SNNPTNT", "SLDTBXH"
    ws.set_column(2, 2, NAME_WIDTH)
    ws.set_column(3, len(heads) - 1, 8 if fit else 10)
    rate = [c in derived or by_code[c].aggregation == "mean" for c in columns]
    table = pd.concat([frame.reindex(columns=codes), derived_frame.reindex(index=frame.index,
                                                                           columns=derived)], axis=1)
    values = table.to_numpy(dtype=float)  # one array: no per-cell pandas lookups
    position = {code: i for i, code in enumerate(table.index)}
    groups: dict[str, list[str]] = {}
    for code in table.index:
        unit = result.unit(code) if code in result._units else None
        groups.setdefault(level_label(unit) if unit else "", []).append(code)

    def values_row(r: int, label: str, numbers, fmt_count, fmt_rate, fmt_text) -> None:
        ws.write_string(r, 2, label, fmt_text)
        for col, (value, is_rate) in enumerate(zip(numbers, rate), start=3):
            write_number(ws, r, col, value, fmt_rate if is_rate else fmt_count, f["center"])

    row, n = 1, 0
    for label, members in groups.items():
        for code in members:
            n += 1
            name = result.reporting_names.get(code, code)
            if height := wrapped_height(name, NAME_WIDTH):
                ws.set_row(row, height)
            ws.write_number(row, 0, n, f["center"])
            ws.write_string(row, 1, code, f["center"])
            values_row(row, name, values[position[code]], f["count"],
                       f["rate"], f["text"])
            row += 1
        if len(groups) > 1:
            sums = aggregate(form, frame.loc[members])  # the totals' own rule
            rates = derived_of(form, sums.to_dict())
            subtotal = [sums.get(c) for c in codes] + [rates[d.code] for d in form.derived]
            ws.write_blank(row, 0, None, f["subtotal_text"])
            ws.write_blank(row, 1, None, f["subtotal_text"])
            values_row(row, f"Cộng {label}", subtotal, f["subtotal"], f["subtotal_rate"],
                       f["subtotal_text"])
            row += 1
    ws.write_blank(row, 0, None, f["subtotal_text"])
    ws.write_blank(row, 1, None, f["subtotal_text"])
    totals = [result.totals[c] for c in codes] + [result.derived[d] for d in derived]
    values_row(row, "TỔNG CỘNG", totals, f["subtotal"], f["subtotal_rate"], f["subtotal_text"])
    ws.autofilter(0, 0, max(row - 1, 1), len(heads) - 1)
    print_setup(ws, _title(result), 0, fit_width=fit)
    if not fit:  # too wide for one readable page: print across pages, unit columns repeated
        ws.repeat_columns(0, 2)
        ws.freeze_panes(1, 3)


def _detail_csv(path: Path, result: RoundResult) -> Path:
    """Every unit's values for a round too large for a worksheet people print (Excel opens it)."""
    table = result.per_unit.join(result.per_unit_derived)
    table.insert(0, "Tên đơn vị", [result.reporting_names.get(c, c) for c in table.index])
    table.index.name = "Mã đơn vị"
    # BOM: Excel on Windows reads the diacritics
    return write_replacing(path, lambda tmp: table.to_csv(tmp, encoding="utf-8-sig"))


def write_summary(path: Path, result: RoundResult) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # constant_memory: rows are streamed to disk as written (a national round has ~12,500 rows).
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "nan_inf_to_errors": True, "constant_memory": True,
                                         "default_format_properties": {"font_name": FONT,
                                                                       "font_size": 11}})
    f = formats(wb)
    form = result.form
    _write_totals(wb, f, result)
    summary = form.summary_codes
    # A round reaching below the consolidating unit's direct children (a ministry's communes) is
    # shown per child in print; every unit's values go to a CSV instead of a giant worksheet.
    _per_unit_sheet(wb, f, result, "Theo đơn vị", summary, True,
                    *((result.per_unit, result.per_unit_derived) if result.flat else
                      (result.child_values, result.child_derived)))
    if result.expected > LARGE_ROUND:
        _detail_csv(path.with_name(f"chi-tiet-{form.code}-{result.period.code}.csv"), result)
    elif len(summary) < len(form.numeric_codes) or not result.flat:
        _per_unit_sheet(wb, f, result, "Chi tiết theo đơn vị", form.numeric_codes, False,
                        result.per_unit, result.per_unit_derived)
    title = _title(result)
    large = result.expected > LARGE_ROUND
    write_status(wb, f, result, title, only_exceptions=large)
    write_issues(wb, f, result, title)
    write_texts(wb, f, result, title, grouped=large)
    write_items(wb, f, result, title)
    write_records(wb, f, result, title)
    write_charts(wb, f, result, title)
    wb.close()
    return path
