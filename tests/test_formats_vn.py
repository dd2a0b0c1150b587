"""Issue 13, format part: one formatting module, units named as their People's Committee, deadlines
"trước ngày 15/6/2024", the data window printed, percentages with one decimal."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.units import UnitRegistry, reporting_name
from aggregator.validate.numbers import parse_number
from aggregator.vn_format import (
    EXCEL_COUNT,
    date_line,
    number,
    percent,
    short_date,
    window_text,
)
from aggregator.workspace.config import load_config
from tests.conftest import fill_by_contract, libreoffice_convert, needs_libreoffice, sample_values


def _label_value(ws, label):
    for row in ws.iter_rows():
        for c in row:
            if c.value == label:
                return ws.cell(c.row, c.column + 1).value
    raise AssertionError(f"label {label!r} not found")


@pytest.mark.parametrize("value, decimals, text", [
    (1909, 0, "1.909"), (1234567.0, 0, "1.234.567"), (57.43, 1, "57,4"), (0, 0, "0"),
    (None, 0, "—"), (float("nan"), 1, "—"),
])
def test_numbers_read_vietnamese(value, decimals, text):
    assert number(value, decimals) == text


@pytest.mark.parametrize("value, text", [
    (99, "99,0%"), (100.0, "100,0%"), (57.43, "57,4%"), (99.05, "99,1%"), (None, "—"),
])
def test_percentages_have_one_decimal_everywhere(value, text):
    assert percent(value) == text


@pytest.mark.parametrize("day, short, line", [
    (date(2024, 6, 15), "15/6/2024", "ngày 15 tháng 6 năm 2024"),
    (date(2024, 12, 1), "01/12/2024", "ngày 01 tháng 12 năm 2024"),
    (date(2025, 1, 5), "05/01/2025", "ngày 05 tháng 01 năm 2025"),
    (date(2007, 2, 26), "26/02/2007", "ngày 26 tháng 02 năm 2007"),
    (date(2023, 12, 19), "19/12/2023", "ngày 19 tháng 12 năm 2023"),
])
def test_dates_as_the_plan_writes_them(day, short, line):
    assert short_date(day) == short
    assert date_line(day) == line


def test_an_unconfigured_date_is_a_visible_placeholder():
    assert short_date(None) == "…"
    assert date_line(None) == "ngày … tháng … năm …"
    assert window_text(date(2023, 12, 15), None) == "Số liệu tính từ ngày 15/12/2023 đến ngày …"


@pytest.mark.parametrize("raw, value", [("1.234,5", 1234.5), ("12.345.678,25", 12345678.25),
                                        ("-1.234,5", -1234.5)])
def test_the_number_parser_accepts_both_vietnamese_marks(raw, value):
    parsed = parse_number(raw)
    assert (parsed.value, parsed.problem) == (value, None)


@pytest.mark.parametrize("code, name", [
    ("170", "UBND huyện Võ Nhai"), ("165", "UBND thành phố Sông Công"),
    ("164", "UBND thành phố Thái Nguyên"), ("SNV", "Sở Nội vụ"), ("19", "UBND tỉnh Thái Nguyên"),
])
def test_districts_report_as_their_peoples_committee(code, name):
    assert reporting_name(UnitRegistry.from_file()[code]) == name


def test_communes_report_as_their_peoples_committee():
    units = UnitRegistry.from_file()
    communes = [u for u in units.units if u.level == "commune"]
    names = {reporting_name(u) for u in communes}
    assert communes and all(n.startswith(("UBND xã ", "UBND phường ", "UBND thị trấn "))
                            for n in names), sorted(names)[:5]


def test_deadline_and_window_of_the_plan(workspace: Path):
    config = load_config(workspace)
    rounds = {r.key: r for r in config.rounds}
    h1 = rounds[("KTCV", "2024-H1")]
    assert h1.deadline_text == "trước ngày 15/6/2024"
    assert h1.window_text == "Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024"
    assert rounds[("CCHC", "2024-Y")].deadline_text == "chậm nhất ngày 30/10/2024"


def test_form_info_sheet_names_reporter_deadline_and_window(workspace: Path):
    paths = api.make_templates(workspace, form="KTCV", period="2024-H1")
    form = next(p for p in paths if p.name == "KTCV-2024-H1-170.xlsx")
    info = openpyxl.load_workbook(form)["Thông tin"]
    assert _label_value(info, "Tên đơn vị") == "UBND huyện Võ Nhai"
    assert _label_value(info, "Hạn gửi báo cáo") == "trước ngày 15/6/2024"
    assert _label_value(info, "Thời gian chốt số liệu") == (
        "Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024")
    texts = [c.value for row in info.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("ngày 19/12/2023" in t for t in texts)
    assert not any("15/06/2024" in t for t in texts)


def test_rule_messages_are_sentences_a_commune_official_reads(blank_ktcv, tmp_path):
    values = sample_values("STP")
    values["4"] = int(values["3"]) + 1  # more violators than people inspected
    values["1.1"] = int(values["1.1"]) + 1  # total 1 no longer the sum of its parts
    path = fill_by_contract(blank_ktcv, tmp_path / "f.xlsx", values, unit="STP", period="2024-H1")
    [outcome] = api.check_files(blank_ktcv.parents[3], [path])
    messages = {i.indicator: i.message for i in outcome.errors}
    assert "Chỉ tiêu 4 không được lớn hơn chỉ tiêu 3" in messages["4"]
    said = f"Chỉ tiêu 4 là {number(values['4'])}, chỉ tiêu 3 là {number(values['3'])}"
    assert said in messages["4"]
    assert "Chỉ tiêu 1 phải bằng tổng các chỉ tiêu 1.1 và 1.2" in messages["1"]
    assert not any(s in m for m in messages.values() for s in ("≤", "≥", " + "))


def test_form_guide_notes_say_rules_in_words(workspace: Path):
    [blank] = api.make_templates(workspace, form="KTCV", period="2024-H1", per_unit=False)
    ws = openpyxl.load_workbook(blank)["Biểu KTCV"]
    notes = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert "Chỉ tiêu 4 không được lớn hơn chỉ tiêu 3" in notes
    assert not any("≤" in n or "≥" in n for n in notes)
    paths = api.make_templates(workspace, form="CCHC", period="2024-Y", per_unit=False)
    ws = openpyxl.load_workbook(paths[0])["Biểu CCHC"]
    row = next(c.row for c in ws["A"] if c.value == "5.2")
    assert ws.cell(row, 5).value == "Tổng các chỉ tiêu 5.1 và 5.2 không được lớn hơn chỉ tiêu 5"


# --- forms the units print --------------------------------------------------------------------

def _ktcv_form(workspace: Path, unit: str = "170") -> Path:
    paths = api.make_templates(workspace, form="KTCV", period="2024-H1")
    return next(p for p in paths if p.name == f"KTCV-2024-H1-{unit}.xlsx")


def _row_of(ws, code: str) -> int:
    return next(c.row for c in ws["A"] if c.value == code)


def test_data_sheet_fits_a_portrait_page_at_full_size(workspace: Path):
    wb = openpyxl.load_workbook(_ktcv_form(workspace))
    ws = wb["Biểu KTCV"]
    assert ws.page_setup.orientation == "portrait" and int(ws.page_setup.paperSize) == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) in ((1, 0), (None, 0))
    used = sum(ws.column_dimensions[c].width for c in "ABCDE")
    # portrait A4 less 1 inch of margins holds about 100 width units of the workbook's font
    assert used <= 100, used
    assert wb._fonts[0].name == "Times New Roman"  # the unit column widths are measured in
    header = next(c.row for c in ws["A"] if c.value == "Mã chỉ tiêu")
    assert ws.print_title_rows.replace("$", "") == f"{header}:{header}"


def test_long_labels_and_notes_get_room_to_wrap(workspace: Path):
    ws = openpyxl.load_workbook(_ktcv_form(workspace))["Biểu KTCV"]
    for code in ("5.2", "5.3", "12", "4"):
        row = _row_of(ws, code)
        assert ws.cell(row, 2).alignment.wrap_text or ws.cell(row, 5).alignment.wrap_text
        assert (ws.row_dimensions[row].height or 15) >= 30, code
    assert ws.row_dimensions[_row_of(ws, "1.1")].height in (None, 15)  # short: default height


def test_guide_lines_wrap_inside_the_page(workspace: Path):
    ws = openpyxl.load_workbook(_ktcv_form(workspace))["Hướng dẫn"]
    assert ws.column_dimensions["A"].width <= 100 and ws.sheet_properties.pageSetUpPr.fitToPage
    long_rows = [c.row for c in ws["A"] if isinstance(c.value, str) and len(c.value) > 100]
    assert long_rows and all(ws.cell(r, 1).alignment.wrap_text for r in long_rows)
    assert all(ws.row_dimensions[r].height >= 30 for r in long_rows)


def test_signature_block_for_the_head_of_unit(workspace: Path):
    ws = openpyxl.load_workbook(_ktcv_form(workspace))["Biểu KTCV"]
    cells = {c.value: c for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for text in ("NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên)",
                 "(Ký, ghi rõ họ tên, đóng dấu)", "…………, ngày … tháng … năm …"):
        assert text in cells, text
        assert cells[text].column != 1  # the "Mã chỉ tiêu" column holds codes only
    assert cells["THỦ TRƯỞNG ĐƠN VỊ"].row > _row_of(ws, "18")
    assert cells["THỦ TRƯỞNG ĐƠN VỊ"].column > cells["NGƯỜI LẬP BIỂU"].column


def test_a_line_list_form_signs_on_its_info_sheet(workspace: Path):
    paths = api.make_templates(workspace, form="KPKN", period="2024-Y")
    wb = openpyxl.load_workbook(next(p for p in paths if p.name == "KPKN-2024-Y-170.xlsx"))
    info = [c.value for row in wb["Thông tin"].iter_rows() for c in row]
    assert "THỦ TRƯỞNG ĐƠN VỊ" in info and "(Ký, ghi rõ họ tên, đóng dấu)" in info
    data = [c.value for ws in wb.worksheets if ws.title != "Thông tin" for row in ws.iter_rows()
            for c in row]
    assert "THỦ TRƯỞNG ĐƠN VỊ" not in data  # rows below the list would be read as items


def test_data_sheet_names_the_reporter_and_the_window(workspace: Path):
    ws = openpyxl.load_workbook(_ktcv_form(workspace))["Biểu KTCV"]
    subtitle = ws.cell(2, 1).value
    assert "170 – UBND huyện Võ Nhai" in subtitle
    assert "Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024" in subtitle


def _word_heights(pdf: Path, page: int) -> list[float]:
    """Heights (pt) of the words on a PDF page, from pdftotext's bounding boxes."""
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    box = r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"'
    return [float(m[1]) - float(m[0]) for m in re.findall(box, out)]


@needs_libreoffice
def test_printed_form_is_readable_and_nothing_is_cut(workspace: Path, tmp_path: Path):
    pdf = libreoffice_convert(_ktcv_form(workspace), "pdf", tmp_path / "pdf")
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1])
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    # the data sheet (page 2) prints its body at about 11 pt, not 6 pt (median word height)
    heights = sorted(_word_heights(pdf, 2))
    assert heights[len(heights) // 2] >= 9.5, heights[len(heights) // 2]
    # pdftotext splits some words at their diacritics ("g ửi"): compare without spaces
    flat = "".join(text.split())

    def printed(phrase: str) -> bool:
        return "".join(phrase.split()) in flat

    # the guide's lines are wrapped on the page, not cut at its edge
    assert printed("Chỉ tiêu số lượng nào không phát sinh thì nhập 0, không để trống.")
    assert printed("Biểu đã khớp, có thể gửi” thì gửi được")  # the check column's guide
    assert printed("Hạn gửi: trước ngày 15/6/2024.")
    assert printed("THỦ TRƯỞNG ĐƠN VỊ") and pages >= 3


# --- summary workbooks ---------------------------------------------------------------------------

def _summary(result, form, period="2024-Y"):
    r = next(r for r in result.rounds if r.form == form and r.period == period)
    return r, next(p for p in r.outputs if p.suffix == ".xlsx")


def _texts(ws) -> list[str]:
    return [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.parametrize("form, period, window, deadline", [
    ("KTCV", "2024-H1", "Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024",
     "hạn gửi báo cáo trước ngày 15/6/2024"),
    ("KTCV", "2024-Y", "Số liệu tính từ ngày 15/12/2023 đến ngày 14/12/2024",
     "hạn gửi báo cáo trước ngày 01/12/2024"),
    ("CCHC", "2024-Y", "Số liệu tính từ ngày 15/12/2023 đến ngày 14/12/2024",
     "hạn gửi báo cáo chậm nhất ngày 30/10/2024"),
])
def test_summary_prints_the_window_and_the_deadline(demo_run, form, period, window, deadline):
    _, path = _summary(demo_run, form, period)
    texts = _texts(openpyxl.load_workbook(path)["Tổng hợp"])
    assert f"{window}; {deadline}." in texts


def test_direct_inspection_summary_prints_its_window_and_no_deadline(demo_run):
    _, path = _summary(demo_run, "DKT")
    texts = _texts(openpyxl.load_workbook(path)["Tổng hợp"])
    assert "Số liệu tính từ ngày 01/01/2024 đến ngày 31/12/2024." in texts
    assert not any("hạn gửi" in t for t in texts)


def test_summary_names_districts_as_their_peoples_committee(demo_run):
    _, path = _summary(demo_run, "KTCV")
    wb = openpyxl.load_workbook(path)
    for sheet in ("Theo đơn vị", "Tình hình nộp báo cáo"):
        texts = _texts(wb[sheet])
        assert "UBND huyện Võ Nhai" in texts and "UBND thành phố Sông Công" in texts, sheet
        assert "Huyện Võ Nhai" not in texts and "Thành phố Sông Công" not in texts, sheet
        assert "Sở Nội vụ" in texts


def test_summary_counts_read_vietnamese_whatever_the_locale(demo_run, tmp_path):
    round_, path = _summary(demo_run, "KTCV")
    ws = openpyxl.load_workbook(path)["Tổng hợp"]
    row = next(c.row for c in ws["A"] if c.value == "3")
    cell = ws.cell(row, 4)
    assert isinstance(cell.value, int | float) and cell.value >= 1000  # still a number
    assert cell.number_format == EXCEL_COUNT
    # a long label gets the rows it wraps into instead of printing over the next row
    assert ws.row_dimensions[next(c.row for c in ws["A"] if c.value == "5.2")].height >= 30


@needs_libreoffice
def test_summary_pdf_groups_thousands_with_dots(demo_run, tmp_path):
    round_, path = _summary(demo_run, "KTCV")
    pdf = libreoffice_convert(path, "pdf", tmp_path)
    page = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                          capture_output=True, text=True).stdout
    total = round_.totals["3"]
    assert total >= 1000 and number(total) in page
    assert f"{int(total):,}" not in page  # no "1,909" (the English grouping)


# --- one aggregation rule ------------------------------------------------------------------------

def _ktcv_cchc():
    from aggregator.forms import FormRegistry
    forms = FormRegistry.default()
    return forms["KTCV"], forms["CCHC"]


def test_one_rule_skips_missing_values_and_keeps_all_missing_missing():
    import pandas as pd

    from aggregator.consolidate import aggregate
    from aggregator.consolidate.aggregate import group_up, totals_of
    ktcv, cchc = _ktcv_cchc()
    nan = float("nan")
    frame = pd.DataFrame({"13": [5.0, nan, 7.0], "14": [nan, nan, nan]}, index=["A", "B", "C"])
    totals = aggregate(ktcv, frame)
    assert totals["13"] == 12 and pd.isna(totals["14"])  # nobody reported 14: "—", not 0
    # the province totals, the roll-up to a parent and a group's subtotal all follow it
    full = frame.reindex(columns=[i.code for i in ktcv.indicators if i.is_numeric])
    assert pd.isna(totals_of(ktcv, full)["14"]) and totals_of(ktcv, full)["13"] == 12
    up = group_up(ktcv, full, {"A": "P", "B": "P", "C": "Q"})
    assert up.loc["P", "13"] == 5 and pd.isna(up.loc["P", "14"]) and up.loc["Q", "13"] == 7
    rates = pd.DataFrame({"8": [90.0, nan, 80.0]}, index=["A", "B", "C"])
    assert aggregate(cchc, rates)["8"] == 85  # a mean over the units that reported it



def test_reminder_table_writes_the_deadline_as_the_plan_does(demo_run):
    import docx

    letter = next(p for p in demo_run.reports if p.name.startswith("cong-van-don-doc"))
    cells = {c.text for t in docx.Document(letter).tables for row in t.rows for c in row.cells}
    assert "trước ngày 01/12/2024" in cells
    assert not any(re.fullmatch(r"\d\d/\d\d/\d{4}", c) for c in cells)  # no bare 01/12/2024


def test_per_unit_sheet_shows_long_codes_and_wrapped_names(demo_run):
    _, path = _summary(demo_run, "KTCV")
    ws = openpyxl.load_workbook(path)["Theo đơn vị"]
    assert ws.column_dimensions["B"].width >= len("SNNPTNT") + 2
    row = next(c.row for c in ws["C"] if c.value == "Sở Nông nghiệp và Phát triển nông thôn")
    assert ws.row_dimensions[row].height >= 30  # two lines, not printed over the next unit
