"""The feedback copy for a unit: its own workbook with each offending cell highlighted and an Excel
comment carrying the message, plus a first sheet listing every issue. The unit fixes that copy and
sends it back. Formats openpyxl cannot edit (.xls, .xlsb, .ods), and workbooks it refuses to load,
are rebuilt as .xlsx from their values.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from aggregator.issues import Issue
from aggregator.read import ReadResult
from aggregator.read.workbook import WorkbookUnreadable, open_workbook
from aggregator.render.forms.feedback_checks import add_check_column
from aggregator.xlsx_safe import load_workbook

LIST_SHEET = "Lỗi cần sửa"
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")
WARNING_FILL = PatternFill("solid", fgColor="FFEB9C")
AUTHOR = "Sở Nội vụ"


def _rebuilt(original: Path) -> Workbook:
    book = open_workbook(original)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name[:31])
        for r, row in enumerate(sheet.rows, start=1):
            for c, value in enumerate(row, start=1):
                if value not in ("", None):
                    cell = ws.cell(r, c)
                    cell.value = value
                    if isinstance(value, str) and value.startswith("="):
                        cell.data_type = "s"  # a unit's text never becomes a formula
        ws.sheet_state = "visible" if sheet.visible else "hidden"
    return wb


def _anchor(ws, address: str) -> Cell:
    """The cell that carries `address`'s colour and comment: the top-left cell of the merged range
    holding it (the other cells of a merged range cannot take a comment)."""
    cell = ws[address]
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            return ws.cell(merged.min_row, merged.min_col)
    return cell


def _workbook(original: Path, out: Path) -> tuple[Workbook, Path] | None:
    """The unit's workbook to annotate and where it goes: itself when openpyxl can edit it, else
    rebuilt from its values; None when neither reader can open all of it."""
    suffix = original.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        try:
            return load_workbook(original, keep_vba=suffix == ".xlsm"), out.with_suffix(suffix)
        except Exception:  # openpyxl is stricter than the reader (e.g. a row height "cao")
            pass
    try:
        return _rebuilt(original), out.with_suffix(".xlsx")
    except WorkbookUnreadable:  # e.g. a hidden sheet the reader skipped is broken
        return None


def write_feedback(original: Path, issues: list[Issue], out: Path, intro: list[str],
                   read: ReadResult | None = None) -> Path | None:
    """Write the annotated copy to `out` (its suffix is adjusted to what is written); None when
    the workbook cannot be rebuilt (the unit still gets the explanation next to the file). With
    the `read` of the file, its data sheet gets the form's check column if it has none."""
    opened = _workbook(original, out)
    if opened is None:
        return None
    wb, out = opened
    if read is not None and read.form is not None:
        sheets = {c.sheet for c in read.cells.values()} | {
            c.sheet for item in read.items for c in item.cells.values()}
        for name in sorted(sheets & set(wb.sheetnames)):
            add_check_column(wb[name], read.form, read.cells, read.items)
    for issue in issues:
        if not (issue.sheet and issue.cell and issue.sheet in wb.sheetnames):
            continue
        cell = _anchor(wb[issue.sheet], issue.cell)
        cell.fill = ERROR_FILL if issue.severity == "error" else WARNING_FILL
        note = f"[{'Lỗi' if issue.severity == 'error' else 'Cảnh báo'}] {issue.message}"
        if cell.comment is not None:
            note = cell.comment.text + "\n" + note
        cell.comment = Comment(note, AUTHOR, width=320, height=140)

    listing = wb.create_sheet(LIST_SHEET, 0)
    bold = Font(bold=True, name="Times New Roman")
    for r, line in enumerate(intro, start=1):
        listing.cell(r, 1, line).font = bold if r == 1 else Font(name="Times New Roman")
    head = len(intro) + 2
    for c, name in enumerate(["STT", "Mức độ", "Sheet", "Ô", "Chỉ tiêu", "Nội dung"], start=1):
        listing.cell(head, c, name).font = bold
    for n, issue in enumerate(issues, start=1):
        row = [n, "Lỗi" if issue.severity == "error" else "Cảnh báo", issue.sheet or "",
               issue.cell or "", issue.indicator or "", issue.message]
        for c, value in enumerate(row, start=1):
            cell = listing.cell(head + n, c, value)
            cell.data_type = "n" if c == 1 else "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name="Times New Roman")
    for col, width in zip("ABCDEF", (6, 10, 16, 8, 10, 80)):
        listing.column_dimensions[col].width = width
    # Printed for the unit: A4 landscape, every column on one page width.
    listing.page_setup.orientation = "landscape"
    listing.page_setup.paperSize = listing.PAPERSIZE_A4
    listing.page_setup.fitToWidth, listing.page_setup.fitToHeight = 1, 0
    listing.sheet_properties.pageSetUpPr.fitToPage = True
    listing.print_title_rows = f"{head}:{head}"
    wb.active = 0
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == LIST_SHEET
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out
