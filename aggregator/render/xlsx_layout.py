"""Row heights for wrapped text in the workbooks we write (forms and summaries): neither Excel nor
LibreOffice grows a written row to fit its wrapped text, so a long label would print over the next
row."""

from __future__ import annotations

import math

LINE_HEIGHT = 15.0  # points per line of 11-pt Times New Roman
CHARS_PER_WIDTH = 1.0  # characters of 11-pt Times New Roman per unit of column width (safe side;
# the workbook font is Times New Roman too, which sets the width unit)


def wrapped_lines(text: str, width: float, font_size: float = 11) -> int:
    per_line = max(1, int(width * CHARS_PER_WIDTH * 11 / font_size))
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def wrapped_height(text: str, width: float, font_size: float = 11) -> float | None:
    """The row height that shows `text` wrapped in a column `width` wide; None when one line
    is enough (the row keeps its default height)."""
    lines = wrapped_lines(text, width, font_size)
    return None if lines <= 1 else lines * LINE_HEIGHT * font_size / 11


def tallest(*cells: tuple[str, float]) -> float | None:
    """The height the tallest of several (text, column width) cells of one row needs."""
    heights = [h for text, width in cells if (h := wrapped_height(text, width))]
    return max(heights) if heights else None
