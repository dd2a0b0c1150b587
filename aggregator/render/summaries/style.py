"""Shared look of the summary workbook: formats and print settings (A4 landscape, fit to width,
repeated header rows, round name at the top, page numbers at the bottom)."""

from __future__ import annotations

import math

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from aggregator.render.xlsx_layout import wrapped_height
from aggregator.vn_format import EXCEL_COUNT, EXCEL_RATE

__all__ = ["formats", "number", "print_setup", "wrapped_height", "write_number"]

FONT = "Times New Roman"
COUNT = EXCEL_COUNT
RATE = EXCEL_RATE


def formats(wb: xlsxwriter.Workbook) -> dict:
    base = {"font_name": FONT, "border": 1, "valign": "top", "font_size": 11}
    bold = {**base, "bold": True}
    return {
        "title": wb.add_format({"font_name": FONT, "bold": True, "font_size": 14}),
        "subtitle": wb.add_format({"font_name": FONT, "italic": True}),
        "head": wb.add_format({**bold, "align": "center", "valign": "vcenter", "text_wrap": True,
                               "bg_color": "#D9E1F2"}),
        "head_small": wb.add_format({**bold, "align": "center", "valign": "vcenter",
                                     "text_wrap": True, "bg_color": "#D9E1F2", "font_size": 9}),
        "text": wb.add_format({**base, "text_wrap": True}),
        "bold": wb.add_format({**bold, "text_wrap": True}),
        "center": wb.add_format({**base, "align": "center"}),
        "count": wb.add_format({**base, "num_format": COUNT}),
        "count_bold": wb.add_format({**bold, "num_format": COUNT}),
        "rate": wb.add_format({**base, "num_format": RATE}),
        "rate_bold": wb.add_format({**bold, "num_format": RATE}),
        "date": wb.add_format({**base, "num_format": "dd/mm/yyyy hh:mm", "align": "center"}),
        "subtotal": wb.add_format({**bold, "bg_color": "#F2F2F2", "num_format": COUNT}),
        "subtotal_rate": wb.add_format({**bold, "bg_color": "#F2F2F2", "num_format": RATE}),
        "subtotal_text": wb.add_format({**bold, "bg_color": "#F2F2F2"}),
    }


def print_setup(ws: Worksheet, title: str, header_row: int, fit_width: bool = True) -> None:
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.5, right=0.4, top=0.7, bottom=0.6)
    if fit_width:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_header(f'&C&"{FONT},Bold"{title}')
    ws.set_footer(f'&C&"{FONT}"Trang &P/&N')
    ws.freeze_panes(header_row + 1, 0)


def number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def write_number(ws: Worksheet, row: int, col: int, value: float | None, fmt, blank_fmt=None) -> None:
    """A number, or '—' when there is none (a rate with a zero denominator)."""
    value = number(value)
    if value is None:
        ws.write_string(row, col, "—", blank_fmt or fmt)
    else:
        ws.write_number(row, col, value, fmt)

