"""Small lookups in an .xlsx/.xlsm package: which part holds which sheet, formula cells that
were never calculated (a file written by a program that does not calculate, such as openpyxl), and
formula cells whose result is an error (#DIV/0!, #REF!…), which the fast reader returns as blank."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator

from defusedxml import ElementTree

_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?(?:/>|>(.*?)</(?:\w+:)?c>)',
                   re.DOTALL)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_VALUE = re.compile(rb"<(?:\w+:)?v>\s*[^<\s]")
_ERROR_TYPE = re.compile(rb'\st="e"')
_ERROR_VALUE = re.compile(rb"<(?:\w+:)?v>\s*(#[^<]{1,20}?)\s*</")


_RELATIONSHIP = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*)>")
_WORKSHEET_TYPE = re.compile(rb'\bType="[^"]*/worksheet"')
_TARGET = re.compile(rb'\bTarget="([^"]*)"')


def _part(target: str) -> str:
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath("xl/" + target)


def worksheet_parts(zf: zipfile.ZipFile) -> set[str]:
    """Every worksheet part: those in xl/worksheets/ and any the workbook's relationships place
    elsewhere (a reader follows them there). Scanned, not parsed: this runs for every file."""
    parts = {n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return parts
    for tag in _RELATIONSHIP.finditer(rels):
        target = _TARGET.search(tag[1])
        if target and _WORKSHEET_TYPE.search(tag[1]):
            parts.add(_part(target[1].decode("utf-8", "replace")))
    return parts


def worksheet_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part → sheet name, from the workbook part and its relationships (both small)."""
    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {rel.get("Id"): _part(rel.get("Target", "")) for rel in rels}
    return {targets[s.get(f"{_REL_NS}id")]: s.get("name", "")
            for s in book.iter() if s.tag.endswith("}sheet") and s.get(f"{_REL_NS}id") in targets}


FEW_REFS = 8


def _cells_at(xml: bytes, refs: set[bytes]) -> Iterator[re.Match[bytes]]:
    """The cell elements of `refs` in a worksheet part: each `r="D7"` found, then the element
    matched from its tag's start — the matches scanning every cell would give for those refs,
    without scanning every cell (a form's check column makes the part long)."""
    if len(refs) > FEW_REFS:  # a find per ref costs more than one pass over every cell
        yield from (m for m in _CELL.finditer(xml) if m[1] in refs)
        return
    for ref in refs:
        needle = b'r="' + ref + b'"'
        at = xml.find(needle)
        while at >= 0:
            start = xml.rfind(b"<", 0, at)
            match = _CELL.match(xml, start) if start >= 0 else None
            if match is not None and match[1] == ref:
                yield match
            at = xml.find(needle, at + 1)


def uncalculated(data: bytes, cells: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of `cells` (sheet, 'D7') that hold a formula without a computed value. Only called
    for cells read as blank, which are few; `data` has passed the guard."""
    return {where for where, error in blank_formulas(data, cells).items() if error is None}


def blank_formulas(data: bytes, cells: set[tuple[str, str]]) -> dict[tuple[str, str], str | None]:
    """Those of `cells` (sheet, 'D7') read as blank that hold a formula: None for one never
    calculated, else the error its result is ('#DIV/0!'). Only called for cells read as blank,
    which are few; `data` has passed the guard."""
    found: dict[tuple[str, str], str | None] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = {name: part for part, name in worksheet_names(zf).items()}
            for sheet in {s for s, _ in cells}:
                if sheet not in parts:
                    continue
                wanted = {cell.encode() for s, cell in cells if s == sheet}
                for match in _cells_at(zf.read(parts[sheet]), wanted):
                    body = match[2] or b""
                    start = match[0][:match[0].find(b">") + 1]
                    error = _ERROR_VALUE.search(body) if _ERROR_TYPE.search(start) else None
                    if error:
                        found[sheet, match[1].decode()] = error[1].decode("ascii", "replace")
                    elif _FORMULA.search(body) and not _VALUE.search(body):
                        found[sheet, match[1].decode()] = None
    except (zipfile.BadZipFile, KeyError, OSError):
        return found
    return found
