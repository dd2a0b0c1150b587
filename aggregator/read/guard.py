"""Look at a file before any parser does: size, type, encryption, zip bombs, XML entity tricks.

Everything here reads bytes with hard caps, so a hostile file costs bounded time and memory.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from aggregator.issues import Issue, make_issue
from aggregator.read.extent import ods_far_cell, xlsx_far_cell
from aggregator.read.package import worksheet_names, worksheet_parts
from aggregator.read.workbook import a1
from aggregator.vn_format import number

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
XML_PROLOG_BYTES = 4096  # the first step of inflating a part; most prologs end within it
MAX_PROLOG_BYTES = 64 * 1024  # no spreadsheet program writes a longer prolog: refused as unsafe
SCAN_CHUNK_BYTES = 256 * 1024  # inflated at a time while following a sheet's cells


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 300 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for packages big enough to matter
    ratio_floor: int = 20 * 1024 * 1024  # below this many unzipped bytes, any ratio is harmless
    # The filled area of one sheet (the forms need under 100 rows, 20 columns; a long line list a
    # few hundred rows): a parser allocates every cell from A1 to the farthest filled one.
    max_rows: int = 10_000
    max_cols: int = 256


def _mb(n: int) -> str:
    return number(round(n / 1024 / 1024))


def _ole_encrypted(data: bytes) -> bool:
    """An OOXML file saved with a password is an OLE container holding 'EncryptedPackage'."""
    return "EncryptedPackage".encode("utf-16-le") in data


def _inflate(data: bytes, zf: zipfile.ZipFile, member: zipfile.ZipInfo,
             step: int, cap: int) -> Iterator[bytes]:
    """A part's bytes, `step` at a time and at most about `cap` in all, inflated straight from the
    package's bytes (opening each part through zipfile costs ten times more, and this runs for
    every part of every file)."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zf.open(member) as stream:  # bzip2, lzma: rare enough to take the slow road
            for _ in range(0, cap, step):
                if not (chunk := stream.read(step)):
                    return
                yield chunk
        return
    at = member.header_offset
    local = data[at:at + 30]
    if len(local) < 30 or local[:4] != ZIP_MAGIC:
        raise zipfile.BadZipFile(f"phần {member.filename} hỏng")
    start = at + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    body = memoryview(data)[start:start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        for at in range(0, min(len(body), cap), step):
            yield bytes(body[at:at + step])
        return
    inflater, done = zlib.decompressobj(-zlib.MAX_WBITS), 0
    try:
        while done < cap and (chunk := inflater.decompress(body, step)):
            body, done = inflater.unconsumed_tail, done + len(chunk)
            yield chunk
    except zlib.error as exc:
        raise zipfile.BadZipFile(f"phần {member.filename} hỏng") from exc


def _head(data: bytes, zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    return next(_inflate(data, zf, member, XML_PROLOG_BYTES, XML_PROLOG_BYTES), b"")


def _root_at(text: bytes) -> int | None:
    """Where the root element's start tag begins, past the XML declaration, processing
    instructions and comments; -1 at a declaration such as <!DOCTYPE (never in a safe part);
    None when `text` ends first."""
    at = 0
    while (at := text.find(b"<", at)) >= 0:
        lead = text[at:at + 4]
        if lead.startswith(b"<?"):
            end, skip = text.find(b"?>", at + 2), 2
        elif lead == b"<!--":
            end, skip = text.find(b"-->", at + 4), 3
        elif len(lead) < 4 and b"<!--".startswith(lead):
            return None  # cut at the end of what is inflated so far
        else:
            return -1 if lead.startswith(b"<!") else at
        if end < 0:
            return None
        at = end + skip
    return None


def _unsafe_prolog(data: bytes, zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether the part declares anything (<!DOCTYPE, <!ENTITY) before its root element, or puts
    its root element absurdly far in. The whole prolog is read, however long its comments."""
    text = b""
    for chunk in _inflate(data, zf, member, XML_PROLOG_BYTES, MAX_PROLOG_BYTES + XML_PROLOG_BYTES):
        text += chunk
        root = _root_at(text)
        if root is not None:
            return root < 0 or root > MAX_PROLOG_BYTES
    return len(text) > MAX_PROLOG_BYTES  # a part without any element is only broken


def _range_issue(data: bytes, zf: zipfile.ZipFile, sheets: set[str],
                 limits: Limits) -> Issue | None:
    """A sheet whose filled cells reach absurdly far (see extent.py), named with its far cell."""
    cap = limits.max_unzipped_bytes
    names: dict[str, str] | None = None
    for m in zf.infolist():
        if m.filename == "content.xml":
            found = ods_far_cell(lambda m=m: _inflate(data, zf, m, SCAN_CHUNK_BYTES, cap),
                                 limits.max_rows, limits.max_cols)
            if found:
                sheet, row, col = found
                return _far_issue(sheet, row, col, limits)
        elif m.filename in sheets:
            far = xlsx_far_cell(lambda m=m: _inflate(data, zf, m, SCAN_CHUNK_BYTES, cap),
                                limits.max_rows, limits.max_cols)
            if far:
                names = worksheet_names(zf) if names is None else names
                return _far_issue(names.get(m.filename, m.filename), *far, limits)
    return None


def _far_issue(sheet: str, row: int, col: int, limits: Limits) -> Issue:
    return make_issue("file-range-too-large", sheet=sheet, cell=a1(row, col),
                      rows=number(limits.max_rows), cols=limits.max_cols)


def _zip_issue(data: bytes, limits: Limits) -> Issue | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
            declared = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if any(m.flag_bits & 0x1 for m in members):
                return make_issue("file-encrypted")
            manifest = next((m for m in members if m.filename == "META-INF/manifest.xml"), None)
            if manifest is not None and b"encryption-data" in _head(data, zf, manifest):
                return make_issue("file-encrypted")
            if declared > limits.max_unzipped_bytes or (
                declared > limits.ratio_floor and declared / packed > limits.max_ratio):
                return make_issue("file-zip-bomb", size=_mb(declared))
            # Entity tricks live in an XML part's prolog: look at the prolog of each part only.
            # (Inflating is bounded by the declared sizes checked above: zipfile and calamine
            # stop at them and fail on a part that claims less than it holds.)
            sheets = worksheet_parts(zf)
            for m in members:  # worksheets too where the relationships give them another suffix
                if m.file_size and (m.filename.endswith((".xml", ".rels")) or m.filename in sheets):
                    if _unsafe_prolog(data, zf, m):
                        return make_issue("file-unsafe-xml", part=m.filename)
            return _range_issue(data, zf, sheets, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return make_issue("file-unreadable", reason="gói nén của tệp bị hỏng")
    except NotImplementedError:  # a compression method no spreadsheet program writes
        return make_issue("file-unreadable", reason="kiểu nén không hỗ trợ")
    return None


def inspect(path: Path, limits: Limits = Limits()) -> Issue | bytes:
    """The first reason not to parse `path`, or the file's bytes when it looks like the spreadsheet
    it claims (read once: the parser takes them from memory)."""
    size = path.stat().st_size
    if size == 0:
        return make_issue("file-empty")
    if size > limits.max_file_bytes:
        return make_issue("file-too-large", size=_mb(size), limit=_mb(limits.max_file_bytes))
    data = path.read_bytes()
    head = data[:8]
    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES:
        if head.startswith(OLE_MAGIC) and _ole_encrypted(data):
            return make_issue("file-encrypted")
        if not head.startswith(ZIP_MAGIC):
            return make_issue("file-wrong-type", suffix=suffix)
        return _zip_issue(data, limits) or data
    if suffix == ".xls" and not head.startswith(OLE_MAGIC):
        return make_issue("file-wrong-type", suffix=suffix)
    return data
