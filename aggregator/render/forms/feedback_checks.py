"""The check column in the feedback copy of a rejected file, so the unit sees the live verdict while
it corrects. A file made from our form already carries it (openpyxl keeps its formulas and colours);
one that does not (an .xls or .ods rebuilt as .xlsx, a form retyped or pasted into a new workbook)
gets one, compiled from where the reader found each value."""

from __future__ import annotations

from collections import defaultdict

from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from aggregator.forms import FormSpec
from aggregator.read.layout import Item, Located
from aggregator.render.forms.checks import (
    CHECK_HEADER,
    Check,
    Slot,
    flag_conditions,
    form_checks,
    line_checks,
    row_formula,
    status_formula,
)

_THIN = Side(style="thin")
_FLAGS = {"error": (PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE"), Font(color="9C0006")),
          "warning": (PatternFill("solid", fgColor="FFEB9C", bgColor="FFEB9C"), Font(color="9C5700"))}


def _position(cell: str) -> tuple[int, int]:
    """'D12' → (11, 3), 0-based."""
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letters, row = coordinate_from_string(cell)
    return row - 1, column_index_from_string(letters) - 1


def _has_checks(ws: Worksheet) -> bool:
    return any(c.value == CHECK_HEADER for row in ws.iter_rows(max_row=min(ws.max_row, 200))
               for c in row)


def _slots(form: FormSpec, cells: dict[str, Located], sheet: str) -> dict[str, Slot]:
    kinds = {i.code: i for i in form.cells}
    labels = {f"{r.code}.{c.key}": f"cột {c.key}: " for m in form.matrices for r in m.rows
              for c in m.columns}
    out = {}
    for code, where in cells.items():
        if where.sheet == sheet and code in kinds:
            row, col = _position(where.cell)
            out[code] = Slot(code, kinds[code].type, kinds[code].required, row, col,
                             label=labels.get(code, ""), choices=kinds[code].choices)
    return out


def _item_checks(form: FormSpec, items: list[Item], sheet: str) -> list[Check]:
    if not form.line_list:
        return []
    columns = form.line_list.columns
    out: list[Check] = []
    for item in items:
        if len(item.cells) != len(columns) or any(c.sheet != sheet for c in item.cells.values()):
            continue  # a column the reader did not find: that row is left to the listing
        slots = {}
        for col in columns:
            row, c = _position(item.cells[col.key].cell)
            slots[col.key] = Slot(f"{row}:{col.key}", col.type, col.required, row, c,
                                  label=f"“{col.label}”: ", choices=col.choices)
        out += line_checks(columns, slots, None)
    return out


def add_check_column(ws: Worksheet, form: FormSpec, cells: dict[str, Located],
                     items: list[Item]) -> bool:
    """Add the check column right of what the sheet holds; False when it has one already or there
    is nothing to check on it."""
    if _has_checks(ws):
        return False
    slots = _slots(form, cells, ws.title)
    checks = form_checks(form, slots) + _item_checks(form, items, ws.title)
    if not checks:
        return False
    by_row: dict[int, list[Check]] = defaultdict(list)
    for check in checks:
        by_row[check.row].append(check)
    col = ws.max_column + 1
    letter = get_column_letter(col)
    ws.column_dimensions[letter].width = 52
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row_checks in by_row.items():
        cell = ws.cell(r + 1, col, row_formula(row_checks))
        cell.alignment, cell.font = wrap, Font(size=10, color="9C0006")
        cell.border = Border(_THIN, _THIN, _THIN, _THIN)
    top = min(by_row)
    header = ws.cell(top, col, CHECK_HEADER) if top > 1 else None
    if header is not None:
        header.font = Font(bold=True)
    rows = sorted(by_row)
    status = ws.cell(1, col, status_formula([f"${letter}${rows[0] + 1}:${letter}${rows[-1] + 1}"]))
    status.font, status.alignment = Font(bold=True, size=12), wrap
    for slot in slots.values():
        _flag(ws, slot, [c for c in checks if slot in c.cells], letter)
    return True


def _flag(ws: Worksheet, slot: Slot, checks: list[Check], letter: str) -> None:
    address = f"{get_column_letter(slot.col + 1)}{slot.row + 1}"
    found = flag_conditions(checks, lambda row: f"${letter}${row + 1}")
    for severity, condition in found.items():
        fill, font = _FLAGS[severity]
        ws.conditional_formatting.add(address, FormulaRule(formula=[condition], fill=fill,
                                                           font=font, stopIfTrue=True))
