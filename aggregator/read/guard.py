"""Look at a file before any parser does: size, type, encryption, zip bombs, XML entity tricks.

Everything here reads bytes with hard caps, so a hostile file costs bounded time and memory.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from aggregator.validate.catalog import Issue, make_issue

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
XML_PROLOG_BYTES = 4096


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 300 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for packages big enough to matter
    ratio_floor: int = 20 * 1024 * 1024  # below this many unzipped bytes, any ratio is harmless


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def _ole_encrypted(data: bytes) -> bool:
    """An OOXML file saved with a password is an OLE container holding 'EncryptedPackage'."""
    return "EncryptedPackage".encode("utf-16-le") in data


def _prolog(data: bytes, zf: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes:
    """The first XML_PROLOG_BYTES of a part, inflated straight from the package's bytes (opening
    each part through zipfile costs ten times more, and this runs for every part of every file)."""
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        with zf.open(member) as stream:  # bzip2, lzma: rare enough to take the slow road
            return stream.read(XML_PROLOG_BYTES)
    at = member.header_offset
    local = data[at:at + 30]
    if len(local) < 30 or local[:4] != ZIP_MAGIC:
        raise zipfile.BadZipFile(f"phần {member.filename} hỏng")
    start = at + 30 + int.from_bytes(local[26:28], "little") + int.from_bytes(local[28:30], "little")
    body = memoryview(data)[start:start + member.compress_size]
    if member.compress_type == zipfile.ZIP_STORED:
        return bytes(body[:XML_PROLOG_BYTES])
    try:
        return zlib.decompressobj(-zlib.MAX_WBITS).decompress(body, XML_PROLOG_BYTES)
    except zlib.error as exc:
        raise zipfile.BadZipFile(f"phần {member.filename} hỏng") from exc


def _zip_issue(data: bytes, limits: Limits) -> Issue | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
            declared = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if any(m.flag_bits & 0x1 for m in members):
                return make_issue("file-encrypted")
            manifest = next((m for m in members if m.filename == "META-INF/manifest.xml"), None)
            if manifest is not None and b"encryption-data" in _prolog(data, zf, manifest):
                return make_issue("file-encrypted")
            if declared > limits.max_unzipped_bytes or (
                declared > limits.ratio_floor and declared / packed > limits.max_ratio):
                return make_issue("file-zip-bomb", size=_mb(declared))
            # Entity tricks live in an XML part's prolog: look at the start of each part only.
            # (Inflating is bounded by the declared sizes checked above: zipfile and calamine
            # stop at them and fail on a part that claims less than it holds.)
            for m in members:
                if m.filename.endswith((".xml", ".rels")) and m.file_size:
                    head = _prolog(data, zf, m)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        return make_issue("file-unsafe-xml", part=m.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return make_issue("file-unreadable", reason=f"gói nén hỏng: {exc}")
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
