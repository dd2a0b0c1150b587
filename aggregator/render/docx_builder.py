"""Builds the default Word report templates (docxtpl/Jinja tags inside a Nghị định 30 layout).

The built .docx files are committed in templates/reports/ and the office may edit them in Word; run
`python -m aggregator.render.docx_builder` to rebuild them after changing this module.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from aggregator.settings import PACKAGE_DIR

FONT = "Times New Roman"


def _base(doc) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    fmt = style.paragraph_format
    fmt.space_after = Pt(6)
    fmt.space_before = Pt(0)
    fmt.line_spacing = 1.15
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    _page_number_header(section)


def _page_number_header(section) -> None:
    """Page number centred at the top, none on the first page (Nghị định 30)."""
    section.different_first_page_header_footer = True
    para = section.header.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = para.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    run.font.size = Pt(13)


def _para(container, text: str = "", *, bold=False, italic=False, size=None, align=None,
          indent=True, underline=False, space_after=None):
    p = container.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
    if align is not None:
        p.alignment = align
    elif container is not None:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent and align is None:
        p.paragraph_format.first_line_indent = Cm(1.27)
    if space_after is not None:
        p.paragraph_format.space_after = Pt(space_after)
    return p


def _no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _cell_para(cell, text, *, bold=False, italic=False, size=13, underline=False, first=False):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = None
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return p


def _header_block(doc, number_suffix: str) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    _cell_para(left, "{{ parent_body }}", first=True)
    _cell_para(left, "{{ issuing_body }}", bold=True)
    _cell_para(left, "────────", size=8)
    _cell_para(left, "Số:        /" + number_suffix)
    _cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
    _cell_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    _cell_para(right, "", size=8)
    _cell_para(right, "{{ place }}, {{ report_date }}", italic=True, size=14)


def _signature_block(doc) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    p.paragraph_format.space_after = Pt(0)
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("{%p for item in copies_to %}").font.size = Pt(11)
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("- {{ item }};").font.size = Pt(11)
    p = left.add_paragraph()
    p.add_run("{%p endfor %}").font.size = Pt(11)
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("- Lưu: {{ archive_code }}.").font.size = Pt(11)
    _cell_para(right, "{{ signer_authority }}", bold=True, first=True)
    _cell_para(right, "{{ signer_position }}", bold=True)
    for _ in range(4):
        _cell_para(right, "")
    _cell_para(right, "{{ signer_name }}", bold=True, size=14)


def _loop_table(doc, headers: list[str], cells: list[str], loop: str, widths: list[float]):
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, name in enumerate(headers):
        c = table.rows[0].cells[i]
        _cell_para(c, name, bold=True, size=12, first=True)
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for " + loop + " %}")
    for i, expr in enumerate(cells):
        p = table.rows[2].cells[i].paragraphs[0]
        p.paragraph_format.space_after = Pt(0)
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(expr).font.size = Pt(12)
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    _widths(table, widths)
    return table


def _widths(table, widths: list[float]) -> None:
    """Fixed column widths that both Word (cell widths) and LibreOffice (grid columns) honour."""
    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def _bullets(doc, loop: str, text: str) -> None:
    _para(doc, "{%p for " + loop + " %}")
    _para(doc, text)
    _para(doc, "{%p endfor %}")


def build_ktcv_report(path: Path) -> Path:
    doc = Document()
    _base(doc)
    _header_block(doc, "BC-{{ issuing_code }}")
    _para(doc, "", space_after=6)
    _para(doc, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, "Kết quả kiểm tra công vụ {{ period_label_lower }}", bold=True,
          align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _para(doc, "Kính gửi: {{ recipient }}.", align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _para(doc, "Thực hiện Kế hoạch số {{ plan_number }} ngày {{ plan_date }} của UBND tỉnh "
               "{{ province_name }} về {{ plan_title }}, trên cơ sở báo cáo của các cơ quan, đơn vị, "
               "địa phương, {{ issuing_body_name }} báo cáo kết quả kiểm tra công vụ "
               "{{ period_label_lower }} như sau:")
    _para(doc, "I. TÌNH HÌNH GỬI BÁO CÁO", bold=True)
    _bullets(doc, "s in status_paragraphs", "{{ s }}")
    _para(doc, "II. KẾT QUẢ KIỂM TRA CÔNG VỤ", bold=True)
    _para(doc, "1. Hoạt động kiểm tra và xử lý vi phạm", bold=True)
    _bullets(doc, "s in inspection_paragraphs", "{{ s }}")
    _para(doc, "2. Tiếp nhận, giải quyết thủ tục hành chính, tiếp công dân", bold=True)
    _bullets(doc, "s in dossier_paragraphs", "{{ s }}")
    _para(doc, "3. Số liệu tổng hợp", bold=True)
    _loop_table(doc, ["Mã", "Chỉ tiêu", "Số liệu"],
                ["{{ r.code }}", "{{ r.label }}", "{{ r.value }}"], "r in key_figures",
                [1.6, 11.5, 3.0])
    _para(doc, "")
    _para(doc, "III. ĐÁNH GIÁ CHUNG", bold=True)
    _para(doc, "1. Ưu điểm, kết quả nổi bật", bold=True)
    _bullets(doc, "t in strengths", "- {{ t }}")
    _para(doc, "2. Tồn tại, hạn chế và nguyên nhân", bold=True)
    _bullets(doc, "t in shortcomings", "- {{ t }}")
    _para(doc, "3. Cách làm hay, mô hình mới, sáng tạo", bold=True)
    _bullets(doc, "t in good_practices", "- {{ t }}")
    _para(doc, "IV. KIẾN NGHỊ, ĐỀ XUẤT", bold=True)
    _bullets(doc, "t in recommendations", "- {{ t }}")
    _para(doc, "Trên đây là báo cáo kết quả kiểm tra công vụ {{ period_label_lower }} của "
               "{{ issuing_body_name }}, kính báo cáo {{ recipient }} xem xét, chỉ đạo./.")
    _signature_block(doc)

    appendix = doc.add_section(WD_SECTION.NEW_PAGE)
    appendix.orientation = WD_ORIENT.LANDSCAPE
    appendix.page_width, appendix.page_height = Mm(297), Mm(210)
    appendix.left_margin, appendix.right_margin = Mm(20), Mm(15)
    appendix.top_margin, appendix.bottom_margin = Mm(30), Mm(20)
    _para(doc, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, "Kết quả kiểm tra công vụ {{ period_label_lower }} theo từng cơ quan, đơn vị, địa phương",
          bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    _para(doc, "(Kèm theo Báo cáo số        /BC-{{ issuing_code }} ngày      /     /{{ report_year }} "
               "của {{ issuing_body_name }})", italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _loop_table(
        doc,
        ["STT", "Cơ quan, đơn vị, địa phương", "Số cuộc kiểm tra", "Số người vi phạm",
         "Số lượt vi phạm", "Số người bị xử lý", "Hồ sơ TTHC đã giải quyết",
         "Tỷ lệ đúng hạn", "Tình trạng báo cáo"],
        ["{{ u.stt }}", "{{ u.name }}", "{{ u.inspections }}", "{{ u.violators }}",
         "{{ u.violations }}", "{{ u.handled }}", "{{ u.resolved }}", "{{ u.on_time_rate }}",
         "{{ u.status }}"],
        "u in unit_rows",
        [1.2, 7.0, 2.2, 2.2, 2.2, 2.2, 2.8, 2.2, 3.0],
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


REPORTS = {"bao-cao-ktcv.docx": build_ktcv_report}


def main() -> None:
    folder = PACKAGE_DIR.parent / "templates" / "reports"
    for name, build in REPORTS.items():
        print(build(folder / name))


if __name__ == "__main__":
    main()
