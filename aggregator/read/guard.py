"""Look at a file before any parser does: size, type, encryption, zip bombs, XML entity tricks.

Everything here reads bytes with hard caps, so a hostile file costs bounded time and memory.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from aggregator.validate.catalog import Issue, make_issue

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".ods"}
XML_PROLOG_BYTES = 4096
CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_unzipped_bytes: int = 300 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, for packages big enough to matter
    ratio_floor: int = 20 * 1024 * 1024  # below this many unzipped bytes, any ratio is harmless


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}"


def _ole_encrypted(path: Path) -> bool:
    """An OOXML file saved with a password is an OLE container holding 'EncryptedPackage'."""
    needle = "EncryptedPackage".encode("utf-16-le")
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            if needle in tail + chunk:
                return True
            tail = chunk[-len(needle):]
    return False


def _zip_issue(path: Path, limits: Limits) -> Issue | None:
    try:
        with zipfile.ZipFile(path) as zf:
            members = zf.infolist()
            declared = sum(m.file_size for m in members)
            packed = sum(m.compress_size for m in members) or 1
            if any(m.flag_bits & 0x1 for m in members):
                return make_issue("file-encrypted")
            if "META-INF/manifest.xml" in zf.namelist():
                manifest = zf.open("META-INF/manifest.xml").read(XML_PROLOG_BYTES)
                if b"encryption-data" in manifest:
                    return make_issue("file-encrypted")
            if declared > limits.max_unzipped_bytes or (
                declared > limits.ratio_floor and declared / packed > limits.max_ratio):
                return make_issue("file-zip-bomb", size=_mb(declared))
            # Entity tricks live in an XML part's prolog: look at the start of each part only.
            # (Inflating is bounded by the declared sizes checked above: zipfile and calamine
            # stop at them and fail on a part that claims less than it holds.)
            for m in members:
                if m.filename.endswith((".xml", ".rels")) and m.file_size:
                    with zf.open(m) as stream:
                        head = stream.read(XML_PROLOG_BYTES)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        return make_issue("file-unsafe-xml", part=m.filename)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        return make_issue("file-unreadable", reason=f"gói nén hỏng: {exc}")
    except NotImplementedError:  # a compression method no spreadsheet program writes
        return make_issue("file-unreadable", reason="kiểu nén không hỗ trợ")
    return None


def inspect(path: Path, limits: Limits = Limits()) -> Issue | None:
    """The first reason not to parse `path`, or None when it looks like the spreadsheet it claims."""
    size = path.stat().st_size
    if size == 0:
        return make_issue("file-empty")
    if size > limits.max_file_bytes:
        return make_issue("file-too-large", size=_mb(size), limit=_mb(limits.max_file_bytes))
    with path.open("rb") as f:
        head = f.read(8)
    suffix = path.suffix.lower()
    if suffix in ZIP_SUFFIXES:
        if head.startswith(OLE_MAGIC) and _ole_encrypted(path):
            return make_issue("file-encrypted")
        if not head.startswith(ZIP_MAGIC):
            return make_issue("file-wrong-type", suffix=suffix)
        return _zip_issue(path, limits)
    if suffix == ".xls" and not head.startswith(OLE_MAGIC):
        return make_issue("file-wrong-type", suffix=suffix)
    return None
