"""Building blocks of the Nghị định 30/2020/NĐ-CP layout, used to build the Word report templates:
A4, margins 20/20/30/15 mm, Times New Roman 14, justified body with a 1.27 cm first-line indent,
header table (issuing body with its short rule; Quốc hiệu and tiêu ngữ), page numbers centred at the
top from page 2, Nơi nhận in bold italic 12 with items in 11, a landscape appendix section."""

from __future__ import annotations

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

FONT = "Times New Roman"


def base(doc) -> None:
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
    page_number_header(section)


def page_number_header(section) -> None:
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


def para(container, text: str = "", *, bold=False, italic=False, size=None, align=None,
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


def heading(container, text: str, *, align=None):
    """A bold heading kept on the page of the paragraph that follows it (never alone at the foot
    of a page)."""
    p = para(container, text, bold=True, align=align)
    p.paragraph_format.keep_with_next = True
    return p


def short_rule(doc, width_cm: float = 4.0):
    """The short centred rule under the summary line below a document's title (Nghị định 30):
    an empty centred paragraph whose bottom border is the rule, indented to `width_cm`."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = p.paragraph_format
    side = Cm((16.5 - width_cm) / 2)  # the text width of the portrait page is 16.5 cm
    fmt.left_indent = fmt.right_indent = side
    fmt.space_after = Pt(12)
    fmt.line_spacing = 0.5
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "000000")):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    return p


def no_borders(table) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def cell_para(cell, text, *, bold=False, italic=False, size=13, underline=False, first=False):
    p = cell.paragraphs[0] if first else cell.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.first_line_indent = None
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return p


def header_block(doc, number_suffix: str, subject: str | None = None) -> None:
    """The two-column header; `subject` is a công văn's trích yếu ("V/v …") under its number."""
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, [6.3, 10.2])
    left, right = table.rows[0].cells
    cell_para(left, "{{ parent_body }}", first=True)
    cell_para(left, "{{ issuing_body }}", bold=True)
    cell_para(left, "────────", size=8)
    cell_para(left, "Số:        /" + number_suffix)
    if subject:
        cell_para(left, subject, size=12)
    cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
    cell_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    cell_para(right, "", size=8)
    cell_para(right, "{{ place }}, {{ report_date }}", italic=True, size=14)


def signature_block(doc) -> None:
    """Nơi nhận and the signature, in one row that never splits across pages (the signer's name
    is never alone on a page)."""
    if doc.paragraphs:
        doc.paragraphs[-1].paragraph_format.keep_with_next = True  # the closing sentence too
    table = doc.add_table(rows=1, cols=2)
    no_borders(table)
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    set_widths(table, [8.0, 8.5])
    left, right = table.rows[0].cells
    p = left.paragraphs[0]
    run = p.add_run("Nơi nhận:")
    run.bold = run.italic = True
    run.font.size = Pt(12)
    p.paragraph_format.space_after = Pt(0)
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("{%p for item in copies_to %}").font.size = Pt(11)  # the office edits the list
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("- {{ item }};").font.size = Pt(11)
    p = left.add_paragraph()
    p.add_run("{%p endfor %}").font.size = Pt(11)
    p = left.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    p.add_run("- Lưu: {{ archive_code }}.").font.size = Pt(11)
    cell_para(right, "{{ signer_authority }}", bold=True, first=True)
    cell_para(right, "{{ signer_position }}", bold=True)
    for _ in range(4):
        cell_para(right, "")
    cell_para(right, "{{ signer_name }}", bold=True, size=14)


def loop_table(doc, headers: list[str], cells: list[str], loop: str, widths: list[float],
               bold_if: str | None = None):
    """A table with one row per item of `loop`; `bold_if` (an expression such as "u.total")
    prints every cell of that item's row in bold (totals and subtotals)."""
    table = doc.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, name in enumerate(headers):
        c = table.rows[0].cells[i]
        cell_para(c, name, bold=True, size=12, first=True)
    # The header row repeats on every page the table runs onto.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    table.rows[1].cells[0].paragraphs[0].add_run("{%tr for " + loop + " %}")
    for i, expr in enumerate(cells):
        p = table.rows[2].cells[i].paragraphs[0]
        p.paragraph_format.space_after = Pt(0)
        text_column = i == 1 or widths[i] >= 4.5  # names and contents read left-aligned
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if text_column else WD_ALIGN_PARAGRAPH.CENTER
        if bold_if:
            p.add_run("{% if " + bold_if + " %}")
            strong = p.add_run(expr)
            strong.bold = True
            strong.font.size = Pt(12)
            p.add_run("{% else %}")
        p.add_run(expr).font.size = Pt(12)
        if bold_if:
            p.add_run("{% endif %}")
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    set_widths(table, widths)
    return table


def set_widths(table, widths: list[float]) -> None:
    """Fixed column widths that both Word (cell widths) and LibreOffice (grid columns) honour."""
    table.autofit = False
    for i, w in enumerate(widths):
        table.columns[i].width = Cm(w)
        for cell in table.columns[i].cells:
            cell.width = Cm(w)


def bullets(doc, loop: str, text: str) -> None:
    para(doc, "{%p for " + loop + " %}")
    para(doc, text)
    para(doc, "{%p endfor %}")




def appendix_heading(doc, title: str, subtitle: str, note: str) -> None:
    """A further appendix on the same landscape section, on a new page."""
    p = para(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    p.paragraph_format.page_break_before = True
    p.paragraph_format.keep_with_next = True
    para(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, note, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)


def landscape_appendix(doc, title: str, subtitle: str, note: str):
    """A new landscape section for the appendix; page numbering continues on its first page."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    # Bound with the portrait pages, a landscape page's top lies at the binding edge: it keeps the
    # 30 mm of a portrait left margin, and so does its left side.
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(30), Mm(20)
    section.different_first_page_header_footer = False
    para(doc, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    para(doc, note, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    return section


def picture(doc, variable: str) -> None:
    """A centred picture rendered from the context (an InlineImage), omitted when it is None."""
    para(doc, "{%p if " + variable + " %}")
    para(doc, "{{ " + variable + " }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    para(doc, "{%p endif %}")
