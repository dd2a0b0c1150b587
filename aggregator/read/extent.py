"""How far a sheet's filled cells reach, found by streaming over its XML before any parser sees it.

A parser allocates a rectangle from A1 to the farthest filled cell: one value in XFD1048576 costs
512 GiB. The declared `<dimension>` of an .xlsx is not used: a file can lie in it, and cells that only
carry a format (which stretch the dimension in real files) cost a parser nothing. Only cells that hold
something (not written as an empty element) count; positions left implicit (no `r=`) are followed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

# A start or end tag of the elements that place cells; attribute values may hold '>' when quoted.
_XLSX_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])((?:[^>"]|"[^"]*")*?)(/?)>')
_XLSX_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]+)"')
_ODS_TAG = re.compile(rb'<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])'
                      rb'((?:[^>"]|"[^"]*")*?)(/?)>')
_ODS_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'\btable:number-rows-repeated="([0-9]+)"')
_ODS_COLS = re.compile(rb'\btable:number-columns-repeated="([0-9]+)"')
MAX_TAG_BYTES = 1 << 20  # a "tag" longer than this is not one a spreadsheet program writes


def column_index(letters: bytes) -> int:
    """b'A' → 0, b'XFD' → 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _tags(chunks: Iterable[bytes], pattern: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """Every match of `pattern` over the concatenated chunks, a tag cut between two chunks
    included once."""
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        end = 0
        for match in pattern.finditer(buf):
            end = match.end()
            yield match
        cut = buf.rfind(b"<")  # '<' never occurs inside an attribute value
        carry = buf[cut:] if cut >= end and len(buf) - cut < MAX_TAG_BYTES else b""


def xlsx_far_cell(chunks: Iterable[bytes], max_rows: int, max_cols: int) -> tuple[int, int] | None:
    """The first filled cell (zero-based row, col) beyond the limits in a worksheet part, if any."""
    row, col = -1, -1
    for match in _tags(chunks, _XLSX_TAG):
        name, attrs, empty = match.groups()
        ref = _XLSX_REF.search(attrs)
        if name == b"row":
            row, col = (int(ref[2]) - 1 if ref else row + 1), -1
            continue
        if ref:
            col = column_index(ref[1]) if ref[1] else col + 1
            row = int(ref[2]) - 1
        else:
            col += 1
        if not empty and (row >= max_rows or col >= max_cols):
            return row, col
    return None


def ods_far_cell(chunks: Iterable[bytes], max_rows: int,
                 max_cols: int) -> tuple[str, int, int] | None:
    """The first filled cell (sheet, zero-based row, col) beyond the limits in an .ods content.xml,
    counting repeated rows and cells as the parser expands them."""
    sheet, row, rows, col = "", 0, 1, 0
    for match in _tags(chunks, _ODS_TAG):
        close, name, attrs, empty = match.groups()
        if name == b"table":
            if not close:
                found = _ODS_NAME.search(attrs)
                sheet, row = (found[1].decode("utf-8", "replace") if found else ""), 0
            continue
        if name == b"table-row":
            if close:
                row += rows
            else:
                repeat = _ODS_ROWS.search(attrs)
                rows, col = (int(repeat[1]) if repeat else 1), 0
                if empty:
                    row += rows
            continue
        if close:
            continue
        repeat = _ODS_COLS.search(attrs)
        cols = int(repeat[1]) if repeat else 1
        if (not empty or b"office:value-type" in attrs) and (
                row + rows > max_rows or col + cols > max_cols):
            return sheet, row + rows - 1, col + cols - 1
        col += cols
    return None
