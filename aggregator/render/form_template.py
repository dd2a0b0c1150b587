"""The Excel form a unit fills (xlsxwriter), derived from the form spec.

Layout (the external contract): info sheet with "Mã đơn vị" / "Kỳ báo cáo" labels and the value to
their right; data sheet with a header row "Mã chỉ tiêu" … "Số liệu"; hidden `_meta` sheet with the
form code and version; an instructions sheet. Input cells are unlocked and shaded, the rest is
protected without a password. Totals are input cells: the reader checks them, it never trusts them.
"""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from aggregator.config import Config, RoundConfig
from aggregator.forms import FormSpec
from aggregator.read import META_SHEET, PERIOD_LABEL, UNIT_LABEL
from aggregator.render.vn import vn_short_date
from aggregator.units import Unit

INFO_SHEET = "Thông tin"
GUIDE_SHEET = "Hướng dẫn"
INPUT_FILL = "#FFF2CC"
MAX_COUNT = 10**9


def _instructions(form: FormSpec, round_: RoundConfig | None) -> list[str]:
    deadline = f" Hạn gửi: {round_.deadline_text}." if round_ else ""
    return [
        f"HƯỚNG DẪN ĐIỀN BIỂU {form.code} — {form.title.upper()}",
        "",
        f"1. Tại sheet “{INFO_SHEET}”: ghi mã đơn vị và kỳ báo cáo (ví dụ 2024-H1 là 6 tháng đầu "
        "năm, 2024-Y là cả năm). Biểu đã ghi sẵn thì giữ nguyên.",
        f"2. Tại sheet “{form.sheet}”: nhập số liệu vào các ô tô màu vàng ở cột “Số liệu”. "
        "Chỉ tiêu nào không phát sinh thì nhập 0, không để trống.",
        "3. Các dòng tổng (ví dụ chỉ tiêu 1 = 1.1 + 1.2) phải bằng tổng các dòng thành phần như "
        "ghi ở cột “Ghi chú”; Sở Nội vụ kiểm tra tự động và trả lại biểu nếu không khớp.",
        "4. Không thêm, xóa hoặc đổi mã chỉ tiêu; không đổi tên các cột “Mã chỉ tiêu”, “Số liệu”.",
        "5. Các chỉ tiêu dạng văn bản (ưu điểm, tồn tại, cách làm hay, kiến nghị): viết ngắn gọn.",
        f"6. Lưu tệp dạng .xlsx và gửi về Sở Nội vụ.{deadline}",
        "",
        f"Biểu mẫu {form.code}, phiên bản {form.version}.",
    ]


def write_form_template(
    path: Path,
    form: FormSpec,
    config: Config,
    round_: RoundConfig | None = None,
    unit: Unit | None = None,
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    title = wb.add_format({"bold": True, "font_size": 14, "font_name": "Times New Roman",
                           "align": "center", "valign": "vcenter", "text_wrap": True})
    sub = wb.add_format({"italic": True, "font_name": "Times New Roman", "align": "center",
                         "text_wrap": True})
    label = wb.add_format({"bold": True, "font_name": "Times New Roman", "border": 1})
    text = wb.add_format({"font_name": "Times New Roman", "border": 1, "text_wrap": True,
                          "valign": "top"})
    bold_text = wb.add_format({"font_name": "Times New Roman", "border": 1, "text_wrap": True,
                               "valign": "top", "bold": True})
    head = wb.add_format({"bold": True, "font_name": "Times New Roman", "border": 1,
                          "align": "center", "valign": "vcenter", "bg_color": "#D9E1F2",
                          "text_wrap": True})
    center = wb.add_format({"font_name": "Times New Roman", "border": 1, "align": "center",
                            "valign": "top"})
    entry = wb.add_format({"font_name": "Times New Roman", "border": 1, "locked": False,
                           "bg_color": INPUT_FILL, "num_format": "#,##0", "valign": "top"})
    entry_text = wb.add_format({"font_name": "Times New Roman", "border": 1, "locked": False,
                                "bg_color": INPUT_FILL, "text_wrap": True, "valign": "top",
                                "num_format": "@"})
    note = wb.add_format({"font_name": "Times New Roman", "border": 1, "italic": True,
                          "font_color": "#555555", "valign": "top", "text_wrap": True})

    period_code = round_.parsed_period.code if round_ else ""
    # Info sheet ------------------------------------------------------------------------------
    info = wb.add_worksheet(INFO_SHEET)
    info.set_column("A:A", 24)
    info.set_column("B:B", 60)
    info.merge_range("A1:B1", f"BIỂU {form.code}: {form.title.upper()}", title)
    info.set_row(0, 40)
    info.merge_range(
        "A2:B2",
        f"(Kèm theo Kế hoạch số {config.plan_number} ngày {config.plan_date:%d/%m/%Y} "
        f"của UBND tỉnh {config.province_name})",
        sub,
    )
    rows = [
        (UNIT_LABEL, unit.code if unit else "", True),
        ("Tên đơn vị", unit.name if unit else "", True),
        (PERIOD_LABEL, period_code, True),
        ("Tên kỳ báo cáo", round_.parsed_period.label if round_ else "", False),
        ("Hạn gửi báo cáo", vn_short_date(round_.deadline) if round_ else "", False),
        ("Người lập biểu", "", True),
        ("Số điện thoại", "", True),
        ("Ngày lập biểu", "", True),
    ]
    for r, (name, value, editable) in enumerate(rows, start=3):
        info.write_string(r, 0, name, label)
        info.write_string(r, 1, str(value), entry_text if editable else text)
    periods = [f"{round_.parsed_period.year if round_ else 2024}-{k}" for k in form.periods]
    info.data_validation(5, 1, 5, 1, {"validate": "list", "source": periods,
                                      "error_title": "Kỳ báo cáo",
                                      "error_message": "Chọn một kỳ trong danh sách."})
    info.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    info.activate()

    # Data sheet ------------------------------------------------------------------------------
    data = wb.add_worksheet(form.sheet)
    data.set_column("A:A", 10)
    data.set_column("B:B", 62)
    data.set_column("C:C", 12)
    data.set_column("D:D", 18)
    data.set_column("E:E", 26)
    data.merge_range("A1:E1", f"BIỂU {form.code}: {form.title.upper()}", title)
    data.set_row(0, 36)
    owner = f"Đơn vị: {unit.code} – {unit.name}" if unit else "Đơn vị: (ghi tại sheet Thông tin)"
    period = f"Kỳ báo cáo: {round_.parsed_period.label}" if round_ else "Kỳ báo cáo: (ghi tại sheet Thông tin)"
    data.merge_range("A2:E2", f"{owner}. {period}.", sub)
    header_row = 3
    for c, name in enumerate(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"]):
        data.write_string(header_row, c, name, head)
    data.freeze_panes(header_row + 1, 0)
    bounds = {r.left[0]: r for r in form.rules if r.kind == "compare" and len(r.left) == 1}
    for offset, ind in enumerate(form.indicators, start=1):
        r = header_row + offset
        top = "." not in ind.code
        data.write_string(r, 0, ind.code, center)
        data.write_string(r, 1, ind.label, bold_text if top else text)
        data.write_string(r, 2, ind.unit, center)
        hint = form.formula_hint(ind.code)
        if not hint and ind.code in bounds:
            hint = bounds[ind.code].describe()
        data.write_string(r, 4, hint, note)
        if ind.is_numeric:
            data.write_blank(r, 3, None, entry)
            data.data_validation(r, 3, r, 3, {
                "validate": "integer", "criteria": "between", "minimum": 0, "maximum": MAX_COUNT,
                "error_title": "Số liệu không hợp lệ",
                "error_message": "Nhập số nguyên lớn hơn hoặc bằng 0 (không phát sinh thì nhập 0).",
            })
        else:
            data.merge_range(r, 3, r, 4, "", entry_text)
            data.set_row(r, 75)
    data.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                      "format_columns": True, "format_rows": True})
    data.set_paper(9)
    data.fit_to_pages(1, 0)
    data.repeat_rows(header_row)

    # Instructions ----------------------------------------------------------------------------
    guide = wb.add_worksheet(GUIDE_SHEET)
    guide.set_column("A:A", 110)
    wrap = wb.add_format({"text_wrap": True, "font_name": "Times New Roman", "valign": "top"})
    for r, line in enumerate(_instructions(form, round_)):
        guide.write_string(r, 0, line, title if r == 0 else wrap)
    guide.protect()

    # Hidden identification sheet -------------------------------------------------------------
    meta = wb.add_worksheet(META_SHEET)
    for r, (key, value) in enumerate(
        [("form", form.code), ("version", form.version), ("period", period_code),
         ("unit", unit.code if unit else "")]
    ):
        meta.write_string(r, 0, key)
        meta.write(r, 1, value)
    meta.protect()
    meta.hide()
    wb.close()
    return path
