"""Texts written by units, made safe to print: invisible control characters removed (bidi overrides
that reverse what a reader sees, zero-width characters, stray control codes), NFC, and — in the Word
reports — long answers cut with a note pointing to the summary workbook, where the whole text is."""

from __future__ import annotations

import unicodedata

from aggregator.text import nfc
from aggregator.vn_format import number as vn_number

QUOTED_LIMIT = 1_000  # characters of one unit's answer quoted in a Word report
CELL_LIMIT = 32_000  # below Excel's 32,767 characters per cell
KEPT_CONTROLS = {"\n", "\t"}
ELLIPSIS = "…"


def clean(text: str) -> str:
    """Without invisible controls (categories Cc and Cf: U+202A–U+202E, U+2066–U+2069, U+200B…,
    BOM, NUL…), line breaks and tabs kept; Windows line ends become plain ones."""
    text = nfc(str(text)).replace("\r\n", "\n")
    if text.replace("\n", "").replace("\t", "").isprintable():
        return text  # no character of category C* (nor Z* but the space): nothing to remove
    return "".join(ch for ch in text
                   if ch in KEPT_CONTROLS or unicodedata.category(ch) not in ("Cc", "Cf"))


def _cut(text: str, limit: int) -> str:
    """At most `limit` characters, cut at the last word boundary, ending with "…"."""
    head = text[:limit]
    boundary = max(head.rfind(" "), head.rfind("\n"))
    if boundary > limit // 2:
        head = head[:boundary]
    return head.rstrip(" \n\t.,;:") + ELLIPSIS


def quoted(text: str, workbook: str, limit: int = QUOTED_LIMIT) -> str:
    """A unit's answer for a Word report: cleaned, cut when longer than `limit`, with a note
    naming the summary workbook that holds the whole text."""
    text = clean(text)
    if len(text) <= limit:
        return text
    return (f"{_cut(text, limit)} (nội dung dài {vn_number(len(text))} ký tự, đã rút gọn; toàn văn "
            f"xem tại bảng tổng hợp {workbook}, trang “Ý kiến đơn vị”)")


def cell_parts(text: str, limit: int = CELL_LIMIT) -> list[str]:
    """A unit's text for the summary workbook: cleaned, in as many cells as Excel needs."""
    text = clean(text)
    parts = []
    while len(text) > limit:
        head = text[:limit]
        boundary = max(head.rfind(" "), head.rfind("\n"))
        cut = boundary if boundary > limit // 2 else limit
        parts.append(text[:cut])
        text = text[cut:].lstrip(" ")
    return parts + [text]


def cell_text(text: str, limit: int = CELL_LIMIT) -> str:
    """Cleaned and fitting one cell (cut with "…" beyond Excel's limit)."""
    text = clean(text)
    return text if len(text) <= limit else _cut(text, limit)
