"""The Excel form a unit fills (xlsxwriter), derived from the form spec.

Layout (the external contract): info sheet with "Mã đơn vị" / "Kỳ báo cáo" labels and the value to
their right; a data sheet whose tables each have a header row with "Mã chỉ tiêu" and "Số liệu" (or
one column per option key of a matrix); line lists under a header of column labels; hidden `_meta`
and `_danh_muc` sheets (meta.py: form, version, the units the form carries); an instructions sheet.
Input cells are unlocked and shaded, the rest is protected without a password. Totals are input
cells: the reader checks them, never trusts. Right of the tables a "Kiểm tra" column and two status
cells tell the unit, live, what the validator would reject (checks.py); the reader ignores them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from aggregator.forms import FormSpec, Indicator, LineList, Matrix
from aggregator.read import LISTS_SHEET, PERIOD_LABEL, UNIT_LABEL
from aggregator.render.forms.checks import (
    BLANK,
    CHECK_HEADER,
    ERROR,
    OK_TEXT,
    WARNING,
    Check,
    Slot,
    flag_conditions,
    form_checks,
    info_checks,
    line_checks,
    row_formula,
    row_text,
    rule_words,
    status_formula,
    status_text,
)
from aggregator.render.forms.meta import write_hidden_sheets
from aggregator.render.safe_write import write_replacing
from aggregator.render.xlsx_layout import LINE_HEIGHT, tallest, wrapped_height
from aggregator.units import Unit, reporting_name
from aggregator.vn_format import short_date
from aggregator.workspace.config import Config, RoundConfig

INFO_SHEET = "Thông tin"
GUIDE_SHEET = "Hướng dẫn"
INPUT_FILL = "#FFF2CC"
MAX_COUNT = 10**9
FONT = "Times New Roman"
# Data sheet columns: Mã chỉ tiêu, Chỉ tiêu, Đơn vị tính, Số liệu, Ghi chú (a matrix's option columns
# from C on). About 94 units wide: a portrait A4 page at full size, 11-pt text prints at 11 pt.
WIDTHS = {"A": 9, "B": 46, "C": 10, "D": 12, "E": 18, "F": 12}
GUIDE_WIDTH = 90
CHECK_WIDTH = 52  # the "Kiểm tra" column right of the tables (outside the print area)
INFO_STATUS, INFO_CHECK = (0, 2), (1, 2)  # the info sheet's status (C1) and its own checks (C2)


@dataclass
class Formats:
    title: object
    sub: object
    section: object
    label: object
    text: object
    bold_text: object
    head: object
    center: object
    note: object
    sign_date: object
    sign_title: object
    sign_note: object
    entry: dict[str, object]
    check: object
    status: object
    flag_error: object
    flag_warning: object
    flag_ok: object


@dataclass
class _Checks:
    """What the check column shows, gathered while the tables are laid out."""

    slots: dict[str, Slot] = field(default_factory=dict)  # scalar and matrix cells by code
    checks: list[Check] = field(default_factory=list)  # line-list rows' checks (the rest: later)
    headers: list[int] = field(default_factory=list)  # table header rows: "Kiểm tra" goes there
    lists: list[tuple[int, int, list[Check]]] = field(default_factory=list)  # first, last, row 1
    values: dict[str, object] = field(default_factory=dict)  # what the cells hold (cached results)
    year: tuple | None = None  # the report's year read from the info sheet (formula, Python)


class _Worksheet(Worksheet):
    """Our formulas use Excel 2010 functions only, so xlsxwriter's ~100 regular-expression passes
    that prefix newer functions ("_xlfn.") are skipped: they were most of a form's writing time.
    The LibreOffice tests of the checks prove the formulas still work."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        return formula[1:] if formula.startswith("=") else formula


def _formats(wb: xlsxwriter.Workbook) -> Formats:
    base = {"font_name": FONT, "border": 1, "valign": "top"}
    entry = {"locked": False, "bg_color": INPUT_FILL, **base}
    return Formats(
        title=wb.add_format({"bold": True, "font_size": 14, "font_name": FONT, "align": "center",
                             "valign": "vcenter", "text_wrap": True}),
        sub=wb.add_format({"italic": True, "font_name": FONT, "align": "center", "text_wrap": True}),
        section=wb.add_format({"bold": True, "font_name": FONT}),
        label=wb.add_format({"bold": True, **base}),
        text=wb.add_format({"text_wrap": True, **base}),
        bold_text=wb.add_format({"text_wrap": True, "bold": True, **base}),
        head=wb.add_format({"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True,
                            "bg_color": "#D9E1F2", **{k: v for k, v in base.items() if k != "valign"}}),
        center=wb.add_format({"align": "center", **base}),
        note=wb.add_format({"italic": True, "font_color": "#555555", "text_wrap": True, **base}),
        sign_date=wb.add_format({"italic": True, "font_name": FONT, "align": "center"}),
        sign_title=wb.add_format({"bold": True, "font_name": FONT, "align": "center"}),
        sign_note=wb.add_format({"italic": True, "font_name": FONT, "align": "center"}),
        entry={
            # Excel's built-in "#,##0", not vn_format.EXCEL_COUNT: some readers (calamine on a
            # Gnumeric .xls) take any custom format of a file sent back for a date
            "count": wb.add_format({"num_format": "#,##0", **entry}),
            "percent": wb.add_format({"num_format": "0.0", **entry}),
            "score": wb.add_format({"num_format": "0.0", **entry}),
            "date": wb.add_format({"num_format": "dd/mm/yyyy", "align": "center", **entry}),
            "choice": wb.add_format({**entry}),
            "text": wb.add_format({"text_wrap": True, "num_format": "@", **entry}),
        },
        # locked, formula hidden: the unit sees the verdict, not the machinery
        check=wb.add_format({"font_name": FONT, "font_size": 10, "text_wrap": True, "valign": "top",
                             "font_color": "#9C0006", "border": 1, "hidden": True}),
        status=wb.add_format({"font_name": FONT, "bold": True, "font_size": 12, "text_wrap": True,
                              "valign": "vcenter", "border": 2, "hidden": True}),
        flag_error=wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"}),
        flag_warning=wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"}),
        flag_ok=wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"}),
    )


def _validation(kind: str, choices: tuple[str, ...] = ()) -> dict | None:
    common = {"error_title": "Số liệu không hợp lệ"}
    if kind == "count":
        return {"validate": "integer", "criteria": "between", "minimum": 0, "maximum": MAX_COUNT,
                "error_message": "Nhập số nguyên lớn hơn hoặc bằng 0 (không phát sinh thì nhập 0).",
                **common}
    if kind in ("percent", "score"):
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100,
                "error_message": "Nhập một số từ 0 đến 100.", **common}
    if kind == "date":
        return {"validate": "date", "criteria": "between", "minimum": date(2000, 1, 1),
                "maximum": date(2100, 12, 31),
                "error_message": "Nhập ngày dạng ngày/tháng/năm, ví dụ 15/10/2024.", **common}
    if kind == "choice":
        return {"validate": "list", "source": list(choices),
                "error_message": "Chọn một giá trị trong danh sách.", **common}
    return None


def _input(ws: Worksheet, f: Formats, row: int, col: int, kind: str, choices=(),
           value: object = None) -> None:
    """An unlocked, shaded input cell with its validation; pre-filled when `value` is given."""
    _write_value(ws, f, row, col, kind, value)
    rule = _validation(kind, choices)
    if rule:
        ws.data_validation(row, col, row, col, rule)


def _write_value(ws: Worksheet, f: Formats, row: int, col: int, kind: str, value: object) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, f.entry[kind])
    elif isinstance(value, date):
        ws.write_datetime(row, col, datetime.combine(value, datetime.min.time()), f.entry[kind])
    elif isinstance(value, str):
        ws.write_string(row, col, value, f.entry[kind])
    else:
        ws.write_number(row, col, value, f.entry[kind])


def _instructions(form: FormSpec, round_: RoundConfig | None) -> list[str]:
    """The guide sheet: numbered steps (only those that apply to this form), then how to read the
    check column."""
    deadline = f" Hạn gửi: {round_.deadline_text}." if round_ else ""
    year = round_.parsed_period.year if round_ else 2024
    kinds = {"H1": f"{year}-H1 là 6 tháng đầu năm", "Y": f"{year}-Y là cả năm"}
    examples = ", ".join(kinds[k] for k in form.periods)
    entry = [f"Tại sheet “{form.sheet}”: nhập vào các ô tô màu vàng."]
    if any(i.type == "count" for i in form.cells):
        entry.append("Chỉ tiêu số lượng nào không phát sinh thì nhập 0, không để trống.")
    if any(i.type in ("percent", "score") for i in form.cells):
        entry.append("Tỷ lệ (%) và điểm nhập số từ 0 đến 100.")
    steps = [f"Tại sheet “{INFO_SHEET}”: chọn mã đơn vị và kỳ báo cáo (ví dụ {examples}). Biểu đã "
             "ghi sẵn thì giữ nguyên.", " ".join(entry)]
    if any(form.formula_hint(i.code) for i in form.cells):
        steps.append("Các dòng tổng phải bằng tổng các thành phần như ghi ở cột “Ghi chú” (hoặc "
                     "dòng, cột “Tổng số”); Sở Nội vụ kiểm tra tự động và trả lại biểu nếu không "
                     "khớp.")
    if form.line_list:
        steps.append("Danh mục: mỗi dòng một tồn tại, kiến nghị; chọn “Kết quả” trong danh sách; "
                     "nếu “Đã khắc phục” thì ghi ngày hoàn thành (trong năm báo cáo). Không cần xóa "
                     "các dòng trống.")
    steps += ["Không thêm, xóa hoặc đổi mã chỉ tiêu; không đổi tên các cột tiêu đề.",
              f"Lưu tệp (Excel hoặc LibreOffice) và gửi về Sở Nội vụ.{deadline}"]
    return [f"HƯỚNG DẪN ĐIỀN BIỂU {form.code} — {form.title.upper()}", "",
            *(f"{n}. {step}" for n, step in enumerate(steps, start=1)),
            *_check_guide(form, len(steps) + 1), "",
            f"Biểu mẫu {form.code}, phiên bản {form.version}."]


def _check_guide(form: FormSpec, n: int) -> list[str]:
    """How to read the check column, and which checks happen where."""
    rule = next((r for r in form.all_rules if r.kind == "sum"), None)
    example = (f" Ví dụ “{ERROR} {rule_words(rule)} (đang là 6 ≠ 8)”: chỉ tiêu "
               f"{rule.left[0]} đang là 6, còn {' + '.join(rule.right)} là 8." if rule else "")
    return [
        "",
        f"{n}. Biểu tự kiểm tra khi nhập. Cột “{CHECK_HEADER}” bên phải bảng ghi ngay tại từng dòng "
        "điều chưa đúng, ô có số liệu sai được tô đỏ:",
        f"   • “{ERROR} …”: số liệu sai, phải sửa.{example}",
        f"   • “{BLANK} …”: ô bắt buộc còn trống (chỉ tiêu không phát sinh thì nhập 0).",
        f"   • “{WARNING} …”: số liệu nên xem lại (ô tô cam); biểu vẫn được nhận.",
        f"   Ô trên cùng của cột “{CHECK_HEADER}” và ô C1 của sheet “{INFO_SHEET}” cho biết kết quả "
        f"chung: “{OK_TEXT}” thì gửi được; “Còn … chỗ cần sửa” thì sửa theo cột "
        f"“{CHECK_HEADER}”. Cột này không in ra giấy. Nếu mở bằng LibreOffice mà kết quả chưa đổi "
        "sau khi sửa, bấm Ctrl+Shift+F9 để tính lại.",
        f"{n + 1}. Kiểm tra ở đâu: biểu tự kiểm tra các dòng tổng, các so sánh giữa chỉ tiêu, ô bắt buộc, "
        "số nguyên không âm, tỷ lệ và điểm từ 0 đến 100, giá trị chọn trong danh sách, ngày trong "
        "năm báo cáo, mã đơn vị và kỳ "
        "báo cáo. Khi nhận biểu, Sở Nội vụ kiểm tra lại toàn bộ (kể cả khi cột "
        f"“{CHECK_HEADER}” bị xóa) và kiểm tra thêm: mã đơn vị theo danh mục của Sở, số liệu cả "
        "năm không nhỏ hơn 6 tháng đầu năm, số liệu khác thường so với các đơn vị khác.",
    ]


def _scalar_table(ws: Worksheet, f: Formats, form: FormSpec, items: tuple[Indicator, ...],
                  row: int, values: dict[str, object], sink: _Checks) -> int:
    for c, name in enumerate(["Mã chỉ tiêu", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"]):
        ws.write_string(row, c, name, f.head)
    sink.headers.append(row)
    ws.set_row(row, 2 * LINE_HEIGHT)  # "Mã chỉ tiêu" wraps in its narrow column
    # a comparison is noted on the last row it names on its left ("5.1 + 5.2 ≤ 5": on 5.2)
    bounds = {r.left[-1]: r for r in form.all_rules if r.kind == "compare"}
    for ind in items:
        row += 1
        hint = form.formula_hint(ind.code) or (
            bounds[ind.code].sentence(bounds[ind.code].severity == "error") if ind.code in bounds
            else "")
        if ind.type != "text" and (height := tallest((ind.label, WIDTHS["B"]),
                                                     (hint, WIDTHS["E"]))):
            ws.set_row(row, height)
        ws.write_string(row, 0, ind.code, f.center)
        ws.write_string(row, 1, ind.label, f.bold_text if "." not in ind.code else f.text)
        ws.write_string(row, 2, ind.unit, f.center)
        sink.slots[ind.code] = Slot(ind.code, ind.type, ind.required, row, 3, choices=ind.choices)
        if ind.type == "text":
            ws.merge_range(row, 3, row, 4, str(values.get(ind.code) or ""), f.entry["text"])
            ws.set_row(row, 75)
        else:
            _input(ws, f, row, 3, ind.type, ind.choices, values.get(ind.code))
            ws.write_string(row, 4, hint, f.note)
    return row + 2


def _matrix_table(ws: Worksheet, f: Formats, m: Matrix, row: int, values: dict[str, object],
                  sink: _Checks) -> int:
    # Descriptive labels above the header row; the header row carries the option keys (contract).
    ws.write_string(row, 0, "", f.head)
    ws.write_string(row, 1, "", f.head)
    for c, col in enumerate(m.columns, start=2):
        ws.write_string(row, c, col.label, f.head)
    ws.set_row(row, 45)
    row += 1
    ws.set_row(row, 2 * LINE_HEIGHT)
    ws.write_string(row, 0, "Mã chỉ tiêu", f.head)
    ws.write_string(row, 1, "Nội dung", f.head)
    for c, col in enumerate(m.columns, start=2):
        ws.write_string(row, c, col.key, f.head)
    sink.headers.append(row)
    for r in m.rows:
        row += 1
        if height := wrapped_height(r.label, WIDTHS["B"]):
            ws.set_row(row, height)
        ws.write_string(row, 0, r.code, f.center)
        ws.write_string(row, 1, r.label, f.bold_text if r.code == m.total_row else f.text)
        for c, col in enumerate(m.columns, start=2):
            _input(ws, f, row, c, col.type, col.choices, values.get(f"{r.code}.{col.key}"))
            code = f"{r.code}.{col.key}"
            sink.slots[code] = Slot(code, col.type, col.required, row, c, label=f"cột {col.key}: ",
                                    choices=col.choices)
    return row + 2


def _line_list(ws: Worksheet, f: Formats, ll: LineList, row: int,
               items: list[dict[str, object]], sink: _Checks) -> int:
    widths = {"text": 34, "choice": 18, "date": 14, "count": 7, "percent": 9, "score": 9}
    for c, col in enumerate(ll.columns):
        ws.write_string(row, c, col.label, f.head)
        ws.set_column(c, c, widths[col.type])
    ws.set_row(row, 45)
    sink.headers.append(row)
    first = row + 1
    last = first + max(ll.rows, len(items)) - 1
    for r in range(first, last + 1):
        item = items[r - first] if r - first < len(items) else {}
        slots = {}
        for c, col in enumerate(ll.columns):
            _write_value(ws, f, r, c, col.type, item.get(col.key))
            slots[col.key] = Slot(f"{r}:{col.key}", col.type, col.required, r, c,
                                  label=f"“{col.label}”: ", choices=col.choices)
            sink.values[f"{r}:{col.key}"] = item.get(col.key)
        row_checks = line_checks(ll.columns, slots, sink.year)
        sink.checks += row_checks
        if r == first:
            sink.lists.append((first, last, row_checks))
    for c, col in enumerate(ll.columns):
        rule = _validation(col.type, col.choices)
        if rule:
            ws.data_validation(first, c, last, c, rule)
    return last + 2


def _print_setup(ws: Worksheet) -> None:
    """A4, one page wide (as many pages tall as needed), narrow side margins."""
    ws.set_paper(9)
    ws.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)
    ws.set_footer(f'&C&"{FONT}"Trang &P/&N')


def _signatures(ws: Worksheet, f: Formats, row: int, left: tuple[int, int],
                right: tuple[int, int]) -> None:
    """Who answers for the figures: the preparer (left) and the head of unit (right), as on a
    Vietnamese report form; the place and date line above the head's title is left to fill. On a
    data sheet nothing is written in the "Mã chỉ tiêu" column (the contract reads codes there)."""

    def put(r: int, first: int, last: int, text: str, fmt) -> None:
        if first == last:
            ws.write_string(r, first, text, fmt)
        else:
            ws.merge_range(r, first, r, last, text, fmt)

    put(row, *right, "…………, ngày … tháng … năm …", f.sign_date)
    put(row + 1, *left, "NGƯỜI LẬP BIỂU", f.sign_title)
    put(row + 1, *right, "THỦ TRƯỞNG ĐƠN VỊ", f.sign_title)
    put(row + 2, *left, "(Ký, ghi rõ họ tên)", f.sign_note)
    put(row + 2, *right, "(Ký, ghi rõ họ tên, đóng dấu)", f.sign_note)


def _year_of(period: object) -> int | None:
    text = str(period or "").strip()
    return int(text[:4]) if text[:4].isdigit() else None


def _flag(ws: Worksheet, f: Formats, first: int, last: int, col: int, checks: list[Check],
          check_cell) -> None:
    """Colour a value cell (or a line-list column) while a check naming it fails."""
    fmt = {"error": f.flag_error, "warning": f.flag_warning}
    for severity, condition in flag_conditions(checks, check_cell).items():
        ws.conditional_format(first, col, last, col, {
            "type": "formula", "criteria": f"={condition}", "format": fmt[severity],
            "stop_if_true": True})


def _write_checks(ws: Worksheet, info: Worksheet, f: Formats, form: FormSpec, sink: _Checks,
                  col: int, identity: tuple[Slot, Slot], periods: list[str],
                  units: list[Unit], issued_to: str | None) -> None:
    """The check column beside the tables, the status cells and the colours (see checks.py). The
    cached results are computed here from what the form is written with: LibreOffice shows them
    until a value changes, Excel recalculates on opening."""
    list_range = f"'{LISTS_SHEET}'!$A$1:$A${len(units)}" if units else None
    own = info_checks(*identity, periods, [u.code for u in units] if units else None, list_range,
                      issued_to)
    table_checks = form_checks(form, sink.slots)
    by_row: dict[int, list[Check]] = defaultdict(list)
    for check in table_checks + sink.checks:
        by_row[check.row].append(check)
    ws.set_column(col, col, CHECK_WIDTH)
    for header in sink.headers:
        ws.write_string(header, col, CHECK_HEADER, f.head)
    sample = dict.fromkeys(sink.slots, 9999) | {k: v for k, v in sink.values.items()
                                               if k.startswith("__")}
    texts = []
    for r, checks in sorted(by_row.items()):
        texts.append(row_text(checks, sink.values))
        ws.write_formula(r, col, row_formula(checks), f.check, texts[-1])
        rules = "; ".join(c.message(sample) for c in checks if len(c.cells) > 1)
        longest = max([rules] + [c.message(sample) for c in checks], key=len)
        need = wrapped_height(longest, CHECK_WIDTH * 1.1, 10) or 0
        if need > (ws.row_sizes.get(r, [0])[0] or LINE_HEIGHT):
            ws.set_row(r, need)
    own_text = row_text(own, sink.values)
    info.write_formula(*INFO_CHECK, row_formula(own), f.check, own_text)
    name = xl_col_to_name(col)
    rows = sorted(by_row)
    ranges = [f"'{form.sheet}'!${name}${rows[0] + 1}:${name}${rows[-1] + 1}",
              f"'{INFO_SHEET}'!${xl_col_to_name(INFO_CHECK[1])}${INFO_CHECK[0] + 1}"]
    status, verdict = status_formula(ranges), status_text(texts + [own_text])
    for sheet, (r, c) in ((ws, (0, col)), (info, INFO_STATUS)):
        sheet.write_formula(r, c, status, f.status, verdict)
        cell = f"${xl_col_to_name(c)}${r + 1}"
        sheet.conditional_format(r, c, r, c, {"type": "formula", "format": f.flag_ok,
                                              "criteria": f'=LEFT({cell},{len(OK_TEXT)})="{OK_TEXT}"'})
        sheet.conditional_format(r, c, r, c, {"type": "formula", "format": f.flag_error,
                                              "criteria": f'=LEFT({cell},{len(OK_TEXT)})<>"{OK_TEXT}"'})
    def here(row: int) -> str:
        return f"${name}{row + 1}"  # row relative: one format serves a line-list column

    for slot in sink.slots.values():
        _flag(ws, f, slot.row, slot.row, slot.col, [c for c in table_checks if slot in c.cells],
              here)
    for first, last, checks in sink.lists:
        for slot in {s for c in checks for s in c.cells}:
            _flag(ws, f, first, last, slot.col, [c for c in checks if slot in c.cells], here)
    info_cell = f"${xl_col_to_name(INFO_CHECK[1])}${INFO_CHECK[0] + 1}"
    for slot in identity:
        _flag(info, f, slot.row, slot.row, slot.col, [c for c in own if slot in c.cells],
              lambda _row: info_cell)


def write_form_template(
    path: Path,
    form: FormSpec,
    config: Config,
    round_: RoundConfig | None = None,
    unit: Unit | None = None,
    unit_choices: list[Unit] | None = None,
    values: dict[str, object] | None = None,
    items: list[dict[str, object]] | None = None,
) -> Path:
    """The form, blank or for one unit; `values` (code → value) and `items` (line-list rows by
    column key) pre-fill it — for exports to the level above, and for generated test data."""
    return write_replacing(path, lambda tmp: _write_form(tmp, form, config, round_, unit,
                                                         unit_choices, values or {}, items))


def _write_form(path: Path, form: FormSpec, config: Config, round_: RoundConfig | None,
                unit: Unit | None, unit_choices: list[Unit] | None, values: dict[str, object],
                items: list[dict[str, object]] | None) -> None:
    # Times New Roman as the workbook's own font: column widths then measure the same in Excel and
    # LibreOffice (a missing Calibri makes LibreOffice's columns wider and the page shrink)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "in_memory": True,
                                         "default_format_properties": {"font_name": FONT,
                                                                       "font_size": 11}})
    f = _formats(wb)
    period = round_.parsed_period if round_ else None

    # Info sheet ------------------------------------------------------------------------------
    info = wb.add_worksheet(INFO_SHEET, _Worksheet)
    info.set_column("A:A", 24)
    info.set_column("B:B", 60)
    info.merge_range("A1:B1", f"BIỂU {form.code}: {form.title.upper()}", f.title)
    info.set_row(0, 48)
    info.merge_range("A2:B2", f"(Kèm theo Kế hoạch số {config.plan_number} ngày "
                              f"{short_date(config.plan_date)} của UBND tỉnh "
                              f"{config.province_name})", f.sub)
    rows = [
        (UNIT_LABEL, unit.code if unit else "", True),
        ("Tên đơn vị", reporting_name(unit) if unit else "", True),
        (PERIOD_LABEL, period.code if period else "", True),
        ("Tên kỳ báo cáo", period.label if period else "", False),
        ("Hạn gửi báo cáo", round_.deadline_text if round_ else "", False),
        ("Thời gian chốt số liệu", round_.window_text if round_ else "", False),
        ("Người lập biểu", "", True),
        ("Số điện thoại", "", True),
        ("Ngày lập biểu", "", True),
    ]
    for r, (name, value, editable) in enumerate(rows, start=3):
        info.write_string(r, 0, name, f.label)
        info.write_string(r, 1, str(value), f.entry["text"] if editable else f.text)
    year = period.year if period else config.plan_date.year + 1
    info.data_validation(5, 1, 5, 1, {"validate": "list",
                                      "source": [f"{year}-{k}" for k in form.periods],
                                      "error_title": "Kỳ báo cáo",
                                      "error_message": "Chọn một kỳ trong danh sách."})
    if form.line_list:
        _signatures(info, f, 3 + len(rows) + 1, (0, 0), (1, 1))
    info.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})
    _print_setup(info)
    info.print_area(0, 0, 3 + len(rows) + (4 if form.line_list else 0), 1)
    info.set_column(INFO_STATUS[1], INFO_STATUS[1], CHECK_WIDTH)
    info.activate()
    labels = [name for name, _, _ in rows]
    unit_slot = Slot("__unit__", "text", True, 3 + labels.index(UNIT_LABEL), 1, sheet=INFO_SHEET)
    period_slot = Slot("__period__", "text", True, 3 + labels.index(PERIOD_LABEL), 1,
                       sheet=INFO_SHEET)
    sink = _Checks(values={**values, unit_slot.code: unit.code if unit else "",
                           period_slot.code: period.code if period else ""},
                   year=(f"VALUE(LEFT({period_slot.ref},4))",
                         lambda v: _year_of(v.get(period_slot.code))))

    # Data sheet ------------------------------------------------------------------------------
    ws = wb.add_worksheet(form.sheet, _Worksheet)
    for col, width in WIDTHS.items():
        ws.set_column(f"{col}:{col}", width)
    last_col = max([4] + [1 + len(m.columns) for m in form.matrices]
                   + [len(form.line_list.columns) - 1 if form.line_list else 0])
    ws.merge_range(0, 0, 0, last_col, f"BIỂU {form.code}: {form.title.upper()}", f.title)
    ws.set_row(0, 36)
    owner = (f"Đơn vị: {unit.code} – {reporting_name(unit)}" if unit
             else "Đơn vị: (ghi tại sheet Thông tin)")
    when = f"Kỳ báo cáo: {period.label}" if period else "Kỳ báo cáo: (ghi tại sheet Thông tin)"
    window = f" {round_.window_text}." if round_ else ""
    ws.merge_range(1, 0, 1, last_col, f"{owner}. {when}.{window}", f.sub)
    ws.set_row(1, 32)
    row = 3
    first_header = None
    for section in form.sections:
        title = section.title or (section.matrix.title if section.matrix else "") or (
            section.line_list.title if section.line_list else "")
        if title and len(form.sections) > 1:
            ws.write_string(row, 0, title, f.section)
            row += 1
        first_header = row if first_header is None else first_header
        if section.indicators:
            row = _scalar_table(ws, f, form, section.indicators, row, values, sink)
        elif section.matrix:
            row = _matrix_table(ws, f, section.matrix, row, values, sink)
        elif section.line_list:
            row = _line_list(ws, f, section.line_list, row, items or [], sink)
    ws.protect("", {"select_locked_cells": True, "select_unlocked_cells": True,
                    "format_columns": True, "format_rows": True})
    if form.line_list:  # the info sheet carries the signatures: rows below a list are items
        ws.set_landscape()
    else:
        _signatures(ws, f, row, (1, 1), (3, max(last_col, 4)))
    _print_setup(ws)
    ws.print_area(0, 0, row + (0 if form.line_list else 2), last_col)
    _write_checks(ws, info, f, form, sink, last_col + 1, (unit_slot, period_slot),
                  [f"{year}-{k}" for k in form.periods], unit_choices or [],
                  unit.code if unit else None)
    if first_header is not None:
        # a matrix's descriptive labels sit one row above its key row: repeat both
        ws.repeat_rows(first_header, first_header + (1 if form.sections[0].matrix else 0))

    # Instructions ----------------------------------------------------------------------------
    guide = wb.add_worksheet(GUIDE_SHEET)
    guide.set_column("A:A", GUIDE_WIDTH)
    wrap = wb.add_format({"text_wrap": True, "font_name": FONT, "valign": "top"})
    for r, line in enumerate(_instructions(form, round_)):
        if height := wrapped_height(line, GUIDE_WIDTH, 14 if r == 0 else 11):
            guide.set_row(r, height)
        guide.write_string(r, 0, line, f.title if r == 0 else wrap)
    guide.protect()
    _print_setup(guide)

    # Hidden sheets: identification, and the unit list behind the "Mã đơn vị" dropdown ----------
    source = write_hidden_sheets(wb, form, period, unit, unit_choices or [],
                                 round_.model_dump_json() if round_ else None)
    if source:
        info.data_validation(3, 1, 3, 1, {"validate": "list", "source": source,
                                          "error_title": "Mã đơn vị",
                                          "error_message": "Chọn mã đơn vị trong danh sách."})
    wb.close()
