"""How far a sheet's filled cells reach, found by streaming over its XML before any parser sees it.

A parser allocates a rectangle from A1 to the farthest filled cell: one value in XFD1048576 costs
512 GiB. The declared `<dimension>` of an .xlsx is not used: a file can lie in it, and cells that
only carry a format (which stretch the dimension in real files) cost a parser nothing. Only cells
that hold something (not written as an empty element) count; positions left implicit (no `r=`)
are followed.

This runs on every sheet of every file, so the common case is made cheap: an .xlsx sheet whose cells
all start with an explicit `r="…"` within the limits is passed by two C-speed regex scans; anything
else is followed tag by tag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

# Tags that place cells, in two spellings with the same groups: the fast one stops at the first
# '>', the exact one lets a quoted attribute value hold '>' (legal XML; used when quotes are odd).
_XLSX_FAST = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>')
_XLSX_EXACT = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])((?:[^>"]|"[^"]*")*)>')
_XLSX_REF = re.compile(rb'\br="([A-Z]{0,3})([0-9]+)"')
_XLSX_ANY_CELL = re.compile(rb"<c[\s/>]")
_XLSX_PLAIN_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"')
_ODS_FAST = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
                       rb"([^>]*)>")
_ODS_EXACT = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)(?=[\s/>])"
                        rb'((?:[^>"]|"[^"]*")*)>')
_ODS_NAME = re.compile(rb'\btable:name="([^"]*)"')
_ODS_ROWS = re.compile(rb'\btable:number-rows-repeated="([0-9]+)"')
_ODS_COLS = re.compile(rb'\btable:number-columns-repeated="([0-9]+)"')
MAX_TAG_BYTES = 1 << 20  # a "tag" longer than this is not one a spreadsheet program writes

Chunks = Callable[[], Iterable[bytes]]  # opens the part's inflated bytes, in bounded chunks


def column_index(letters: bytes) -> int:
    """b'A' → 0, b'XFD' → 16383."""
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n - 1


def _bodies(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The concatenated chunks cut only before a '<' (never inside a tag: '<' cannot occur in an
    attribute value), so that every tag lies whole in exactly one piece."""
    carry = b""
    for chunk in chunks:
        buf = carry + chunk
        cut = buf.rfind(b"<")
        if cut <= 0:
            carry = buf if len(buf) < MAX_TAG_BYTES else b""
            continue
        yield buf[:cut]
        carry = buf[cut:]
    if carry:
        yield carry


def _tags(chunks: Iterable[bytes], fast: re.Pattern[bytes],
          exact: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    attrs = fast.groups  # the attributes are the last group of both patterns
    for body in _bodies(chunks):
        at = 0
        while match := fast.search(body, at):
            if match[attrs].count(b'"') % 2:  # a '>' inside a quoted value cut the tag short
                match = exact.match(body, match.start()) or match
            yield match
            at = match.end()


@lru_cache(maxsize=8)
def _far_candidate(max_rows: int, max_cols: int) -> re.Pattern[bytes]:
    """`<c r="…"` references that may lie beyond the limits: as many column letters as the last
    allowed column has, or as many row digits as the row limit has (checked exactly after)."""
    letters = len(a1_column(max_cols - 1))
    return re.compile(rb'<c r="(?:[A-Z]{%d,}|[A-Z]{1,3}[0-9]{%d,})' % (letters, len(str(max_rows))))


def a1_column(col: int) -> str:
    """0 → 'A', 255 → 'IV'."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _plainly_within(chunks: Iterable[bytes], max_rows: int, max_cols: int) -> bool:
    """Whether every cell is written `<c r="…"` (Excel, LibreOffice, openpyxl do) and all of them
    lie within the limits, formatted-only cells included: then nothing needs following."""
    far = _far_candidate(max_rows, max_cols)
    for body in _bodies(chunks):
        if len(_XLSX_ANY_CELL.findall(body)) != body.count(b'<c r="') or b":c" in body:
            return False  # a cell without its position first, or (maybe) a namespace prefix
        for match in far.finditer(body):
            ref = _XLSX_REF.match(body, match.start() + 3)
            if ref is None or column_index(ref[1]) >= max_cols or int(ref[2]) > max_rows:
                return False
    return True


def xlsx_far_cell(open_chunks: Chunks, max_rows: int, max_cols: int) -> tuple[int, int] | None:
    """The first filled cell (zero-based row, col) beyond the limits in a worksheet part, if any."""
    if _plainly_within(open_chunks(), max_rows, max_cols):
        return None
    row, col = -1, -1
    for match in _tags(open_chunks(), _XLSX_FAST, _XLSX_EXACT):
        name, attrs = match.groups()
        ref = _XLSX_REF.search(attrs)
        if name == b"row":
            row, col = (int(ref[2]) - 1 if ref else row + 1), -1
            continue
        if ref:
            col = column_index(ref[1]) if ref[1] else col + 1
            row = int(ref[2]) - 1
        else:
            col += 1
        if not attrs.rstrip().endswith(b"/") and (row >= max_rows or col >= max_cols):
            return row, col
    return None


def ods_far_cell(open_chunks: Chunks, max_rows: int,
                 max_cols: int) -> tuple[str, int, int] | None:
    """The first filled cell (sheet, zero-based row, col) beyond the limits in an .ods content.xml,
    counting repeated rows and cells as the parser expands them."""
    sheet, row, rows, col = "", 0, 1, 0
    for match in _tags(open_chunks(), _ODS_FAST, _ODS_EXACT):
        close, name, attrs = match.groups()
        empty = attrs.rstrip().endswith(b"/")
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
