"""Word reports ready to sign: every template fed completely, official layout (checked in the .docx
and in the PDF LibreOffice makes of it), figures equal to the summary workbook, odd rounds read well."""

from __future__ import annotations

import subprocess
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from aggregator import api
from aggregator.render.word import pdf as pdf_module
from aggregator.render.word.template_doc import render as template_doc
from aggregator.vn_format import number as vn_number
from aggregator.workspace.settings import shipped_templates_dir
from tests.conftest import (
    fill_by_contract,
    libreoffice_convert,
    needs_libreoffice,
    sample_values,
    set_mtime,
)

DOCS = Path(__file__).resolve().parents[1] / "docs" / "bien-mau-bao-cao.md"
HEADER = ["UBND TỈNH THÁI NGUYÊN", "SỞ NỘI VỤ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
          "Độc lập - Tự do - Hạnh phúc"]


@pytest.fixture
def demo(demo_run):
    return demo_run


def _report(result, form, period="2024-Y"):
    r = next(r for r in result.rounds if r.form == form and r.period == period)
    return r, next(p for p in r.outputs if p.suffix == ".docx")


def _text(path: Path) -> tuple[str, str]:
    doc = Document(str(path))
    body = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    return body, cells


def test_demo_renders_every_report_and_the_reminder(demo):
    names = sorted(p.name for p in demo.reports)
    assert names == ["bao-cao-CCHC-2024-Y.docx", "bao-cao-KTCV-2024-H1.docx",
                     "bao-cao-KTCV-2024-Y.docx", "cong-van-don-doc-2024-12-20.docx"]
    for path in demo.reports:
        body, cells = _text(path)
        assert "{{" not in body + cells and "{%" not in body + cells
        for text in HEADER:
            assert text in cells, (path.name, text)


def test_nghi_dinh_30_layout_in_the_docx(demo):
    _, path = _report(demo, "KTCV")
    doc = Document(str(path))
    first, appendix = doc.sections[0], doc.sections[-1]
    mm = [round(x.mm) for x in (first.page_width, first.page_height, first.top_margin,
                                first.bottom_margin, first.left_margin, first.right_margin)]
    assert mm == [210, 297, 20, 20, 30, 15]  # A4; margins inside the ranges of Nghị định 30
    assert first.different_first_page_header_footer  # no number on page 1
    assert "PAGE" in first.header._element.xml
    assert appendix.page_width > appendix.page_height  # landscape appendix
    normal = doc.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 14
    body = [p for p in doc.paragraphs if len(p.text) > 80]
    assert body and all(p.alignment == 3 for p in body[:5])  # justified
    assert body[0].paragraph_format.first_line_indent is not None
    received = next(c for t in doc.tables for row in t.rows for c in row.cells
                    if c.text.startswith("Nơi nhận"))
    run = received.paragraphs[0].runs[0]
    assert run.bold and run.italic and run.font.size.pt == 12
    assert received.paragraphs[1].runs[0].font.size.pt == 11
    assert "- Lưu: VT, CCHC." in received.text


def test_figures_equal_the_summary_workbook(demo):
    outcome, docx = _report(demo, "KTCV")
    summary = next(p for p in outcome.outputs if p.suffix == ".xlsx")
    ws = openpyxl.load_workbook(summary)["Tổng hợp"]
    workbook = {str(r[0].value): r[3].value for r in ws.iter_rows(min_row=5) if r[0].value}
    doc = Document(str(docx))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    checked = 0
    for row in table.rows[1:]:
        code, value = row.cells[0].text, row.cells[2].text
        if code in workbook and not code.startswith("R"):
            assert value == vn_number(workbook[code]), code
            checked += 1
    assert checked == 14
    body, _ = _text(docx)
    assert f"thực hiện {vn_number(workbook['1'])} cuộc kiểm tra công vụ" in body


def test_annual_report_adds_direct_inspections_and_remediation(demo):
    body, cells = _text(_report(demo, "KTCV")[1])
    assert "kiểm tra trực tiếp 8 cuộc (" in body
    assert "tại 7 cơ quan, đơn vị, địa phương: " in body
    assert "tồn tại, kiến nghị sau kiểm tra: đã khắc phục" in body
    assert "Danh sách tồn tại, kiến nghị chưa khắc phục xong" in body
    assert "Đang khắc phục" in cells or "Chưa khắc phục" in cells
    h1_body, _ = _text(_report(demo, "KTCV", "2024-H1")[1])
    assert "kiểm tra trực tiếp" not in h1_body


def test_cchc_report_ranks_units_by_score(demo):
    outcome, path = _report(demo, "CCHC")
    body, cells = _text(path)
    assert "Điểm tự đánh giá chỉ số CCHC bình quân đạt" in body
    doc = Document(str(path))
    ranking = next(t for t in doc.tables if t.rows[0].cells[0].text == "Hạng")
    first = ranking.rows[2].cells  # row 1 heads the first group (ranked within each group)
    assert first[0].text == "1"
    ranked = [r for r in ranking.rows[1:] if r.cells[0].text.isdigit()]
    assert len(ranked) == outcome.submitted


def test_reminder_names_each_missing_or_rejected_unit(demo):
    body, cells = _text(demo.reminder)
    assert "V/v đôn đốc gửi báo cáo" in cells and "Số:" in cells and "/SNV-CCHC" in cells
    for name in ("Sở Ngoại vụ", "UBND huyện Đại Từ", "Sở Xây dựng"):
        assert name in cells
    assert "chưa đạt yêu cầu, đã trả lại" in cells and "01/12/2024" in cells
    assert "trước ngày 27 tháng 12 năm 2024" in body


def test_round_where_a_group_has_no_data_reads_correctly(tmp_path: Path):
    root = tmp_path / "ws"
    forms = {p.stem.rsplit("-", 1)[-1]: p for p in api.make_templates(root, form="KTCV",
                                                                       period="2024-H1")
             if "theo-don-vi" in p.parts}
    for code in ("SNV", "STP", "SYT"):  # three agencies, no district at all
        f = fill_by_contract(forms[code], root / "inbox" / f"{code}.xlsx", sample_values(code))
        set_mtime(f, datetime(2024, 6, 10, 9))
    result = api.run(root, date(2024, 7, 1))
    _, path = _report(result, "KTCV", "2024-H1")
    body, cells = _text(path)
    assert "đã nhận được báo cáo của 3/29 cơ quan, đơn vị, địa phương" in body
    assert "khối UBND cấp huyện chưa có đơn vị nào gửi báo cáo" in body
    assert "UBND huyện Đồng Hỷ" in body  # missing, by the name of its reporting body
    doc = Document(str(path))
    appendix = doc.tables[-1]
    dong_hy = next(r for r in appendix.rows if r.cells[1].text == "UBND huyện Đồng Hỷ")
    assert dong_hy.cells[2].text == "—" and dong_hy.cells[-1].text == "Chưa nộp"


def test_template_variables_are_documented():
    assert DOCS.read_text(encoding="utf-8") == template_doc()


def test_pdf_option_says_clearly_when_libreoffice_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(pdf_module, "find_soffice", lambda: None)
    with pytest.raises(pdf_module.PdfUnavailable, match="LibreOffice"):
        pdf_module.to_pdf([tmp_path / "x.docx"])


@needs_libreoffice
def test_reports_convert_to_official_looking_pdfs(demo, tmp_path):
    for path in demo.reports:
        pdf = libreoffice_convert(path, "pdf", tmp_path / path.stem)
        info = subprocess.run(["pdfinfo", "-f", "1", "-l", "99", str(pdf)], capture_output=True,
                              text=True).stdout
        sizes = [line.split(":", 1)[1].split("pts")[0].strip() for line in info.splitlines()
                 if line.startswith("Page") and "size" in line]
        assert sizes[0].startswith("595.") and "x 841.8" in sizes[0], path.name  # A4 portrait
        pages = [subprocess.run(["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"],
                                capture_output=True, text=True).stdout
                 for i in range(1, len(sizes) + 1)]
        first_lines = [next(line.strip() for line in p.splitlines() if line.strip()) for p in pages]
        assert not first_lines[0].isdigit()  # no page number on page 1
        for i, line in enumerate(first_lines[1:], start=2):
            assert line == str(i), (path.name, i, line)  # centred number on top of later pages
        for text in HEADER:
            assert text in pages[0]
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "Times" in fonts or "LiberationSerif" in fonts
        if path.name.startswith("bao-cao"):
            assert any(s.startswith("841.") for s in sizes)  # the landscape appendix
            assert "PHỤ LỤC" in "".join(pages)


@needs_libreoffice
def test_template_resaved_by_libreoffice_writer_still_renders(demo, tmp_path):
    from aggregator.render.word.reminder import reminder_context
    from aggregator.render.word.template import render_docx
    from aggregator.workspace.config import Config

    template = shipped_templates_dir() / "reports" / "cong-van-don-doc.docx"
    resaved = libreoffice_convert(template, "docx:MS Word 2007 XML", tmp_path / "lo")
    ws = demo.workspace
    results = [api._consolidate(api.open_context(ws), ledger, r, date(2024, 12, 20))
               for ledger in [api.Ledger(ws / "ledger.sqlite3")] for r in Config().rounds]
    context = reminder_context(results, Config(), date(2024, 12, 20))
    out = render_docx(resaved, context, tmp_path / "out.docx")
    body, cells = _text(out)
    assert "Sở Ngoại vụ" in cells and "{{" not in body + cells
