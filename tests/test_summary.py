"""The summary workbook people print: right sheets, values, subtotals, number formats, print
settings and charts; and as a PDF through LibreOffice, the per-unit table fits the page width."""

from __future__ import annotations

import subprocess
import zipfile

import openpyxl
import pytest

from aggregator.vn_format import EXCEL_COUNT, EXCEL_RATE
from tests.conftest import libreoffice_convert, needs_libreoffice


@pytest.fixture
def demo(demo_run):
    return demo_run


def _summary(result, form, period="2024-Y"):
    r = next(r for r in result.rounds if r.form == form and r.period == period)
    return r, next(p for p in r.outputs if p.suffix == ".xlsx")


@pytest.mark.parametrize("form, sheets", [
    ("KTCV", ["Tổng hợp", "Theo đơn vị", "Chi tiết theo đơn vị", "Tình hình nộp báo cáo",
              "Lỗi, cảnh báo", "Ý kiến đơn vị", "Biểu đồ"]),
    ("CCHC", ["Tổng hợp", "Theo đơn vị", "Chi tiết theo đơn vị", "Tình hình nộp báo cáo",
              "Lỗi, cảnh báo", "Ý kiến đơn vị", "Biểu đồ"]),
    ("KPKN", ["Tổng hợp", "Theo đơn vị", "Tình hình nộp báo cáo", "Lỗi, cảnh báo", "Danh mục",
              "Biểu đồ"]),
    ("DKT", ["Tổng hợp", "Theo đơn vị", "Tình hình nộp báo cáo", "Lỗi, cảnh báo", "Ý kiến đơn vị",
             "Danh sách"]),
])
def test_sheets_and_print_settings(demo, form, sheets):
    _, path = _summary(demo, form)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == sheets
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.print_title_rows, ws.title
        assert form in ws.oddHeader.center.text and "&P" in ws.oddFooter.center.text
        assert ws.freeze_panes is not None
    per_unit = wb["Theo đơn vị"]
    assert per_unit.sheet_properties.pageSetUpPr.fitToPage
    assert per_unit.page_setup.fitToWidth in (None, 1)  # OOXML default: one page wide
    assert per_unit.page_setup.fitToHeight == 0


def test_per_unit_sheet_has_group_subtotals_and_formats(demo):
    outcome, path = _summary(demo, "KTCV")
    ws = openpyxl.load_workbook(path)["Theo đơn vị"]
    head = [c.value for c in ws[1]]
    col13 = head.index("13. Số lượt tiếp công dân") + 1
    rate_col = next(i for i, h in enumerate(head, 1) if str(h).startswith("R1."))
    rows = list(ws.iter_rows(min_row=2))
    units, subtotals = [], {}
    for row in rows:
        name, value = row[2].value, row[col13 - 1].value
        if isinstance(row[0].value, int):
            units.append(value)
            assert row[col13 - 1].number_format == EXCEL_COUNT  # "1.909" whatever the locale
            assert row[rate_col - 1].number_format == EXCEL_RATE
        elif name:
            subtotals[name] = value
    agencies = sum(units[:18])  # the demo's annual round: 18 agencies and 8 districts reported
    assert subtotals["Cộng Sở, ban, ngành"] == agencies
    assert subtotals["Cộng UBND cấp huyện"] == sum(units[18:])
    assert subtotals["TỔNG CỘNG"] == outcome.totals["13"] == sum(units)
    assert ws.auto_filter.ref


def test_native_charts_are_in_the_workbook(demo):
    _, path = _summary(demo, "KTCV")
    with zipfile.ZipFile(path) as zf:
        charts = [n for n in zf.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 2
        assert "Số lượt vi phạm theo loại" in zf.read(charts[0]).decode("utf-8")


@needs_libreoffice
def test_pdf_of_the_summary_fits_the_page_width(demo, tmp_path):
    _, path = _summary(demo, "KTCV")
    pdf = libreoffice_convert(path, "pdf", tmp_path)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "841.89 x 595.3" in info  # A4 landscape
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    texts = [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                            capture_output=True, text=True).stdout for i in range(1, pages + 1)]
    per_unit = [t for t in texts if "Cộng UBND cấp huyện" in t and "TỔNG CỘNG" in t and "STT" in t]
    assert any("R4." in t for t in per_unit)  # first and last columns on the same page
    totals = next(t for t in texts if "TỔNG HỢP KẾT QUẢ KIỂM TRA CÔNG VỤ" in t)
    assert "Số lượt vi phạm" in totals and "Tổng số" in totals
