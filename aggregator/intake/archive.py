"""Keep every original byte for byte: copy, verify, and only then let it leave the inbox."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePosixPath

from aggregator.intake.scan import Incoming, sha256_of

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
# Longest stored file name, in UTF-8 bytes. File systems allow 255 bytes per name, and the names
# derived from a stored one add to it ('.<name>.partial', '<name>.loi.txt'); Windows also limits a
# whole path to 260 characters, and a workspace folder of up to 100 characters must fit
# (tests/test_windows_paths.py computes the bound; the guide states it).
MAX_NAME_BYTES = 100
_CHUNK = 1 << 20

CHANGED = "tệp bị sửa trong lúc đang tổng hợp (nội dung khác lúc kiểm tra), để lại lần chạy sau"
REWRITTEN = ("tệp bị ghi đè trong lúc tổng hợp: bản đã kiểm tra được lưu nguyên vẹn, nội dung mới "
             "để lại trong inbox cho lần chạy sau")
IN_USE = ("chưa chuyển được khỏi inbox: tệp đang mở trong chương trình khác (Excel?) hoặc không "
          "có quyền xóa; hãy đóng tệp, lần chạy sau sẽ hoàn tất")
MOVE_FAILED = "chưa chuyển được khỏi inbox (lỗi hệ thống); lần chạy sau sẽ thử lại"


class ArchiveError(RuntimeError):
    """Copying an original failed verification: the inbox file is left where it is."""


def safe_part(text: str) -> str:
    """A folder or file name part that is valid on Windows (Vietnamese letters are kept)."""
    return _UNSAFE.sub("_", text).strip(" .") or "_"


def cut_utf8(text: str, limit: int) -> str:
    """`text` cut to at most `limit` UTF-8 bytes, on a character boundary."""
    return text.encode()[:limit].decode("utf-8", errors="ignore")


def fit_name(name: str, limit: int = MAX_NAME_BYTES, ending: str | None = None) -> str:
    """`name` cut to at most `limit` UTF-8 bytes on a character boundary, keeping its `ending`
    (by default its extension)."""
    if len(name.encode()) <= limit:
        return name
    if ending is None:
        ending = Path(name).suffix if len(Path(name).suffix.encode()) <= 16 else ""
    stem = name[: len(name) - len(ending)] if ending and name.endswith(ending) else name
    cut = cut_utf8(stem, limit - len(ending.encode())).rstrip(" .")
    return (cut or "_") + ending


def stored_name(incoming: Incoming) -> str:
    """'<name> (<sha12>).<ext>': the unit's own name first, so that the clerk recognises the file
    in `rejected/` and Explorer sorts it by that name; the hash before the extension keeps names
    unique (two units' "Báo cáo.xlsx") and the file opening in Excel. A long name is shortened
    at the end of its own part, the hash and extension kept."""
    name = safe_part(PurePosixPath(incoming.relative).name)  # whatever bytes the name was made of
    suffix = PurePosixPath(name).suffix
    extension = suffix if suffix and len(suffix.encode()) <= 16 else ""
    ending = f" ({incoming.sha256[:12]}){extension}"
    stem = name[: len(name) - len(extension)] if extension else name
    return fit_name(stem + ending, ending=ending)


def _copy_hashed(source: Path, tmp: Path, expected: str) -> None:
    """Copy `source` to `tmp`, hashing the very bytes written: the copy holds exactly the bytes
    that hash to `expected`, or ArchiveError (the file was changed since it was hashed).

    A real copy, never a hard link: a link shares the inbox file's bytes, and a program rewriting
    that file in place before it leaves the inbox would change the archived original too.
    """
    digest = hashlib.sha256()
    with source.open("rb") as src, tmp.open("wb") as dst:
        while chunk := src.read(_CHUNK):
            digest.update(chunk)
            dst.write(chunk)
    if digest.hexdigest() != expected:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(CHANGED)


def store(incoming: Incoming, folder: Path) -> Path:
    """Keep the original in `folder` as '<name> (<sha12>).<ext>': names never collide.

    Idempotent: a copy already there with the same hash (from an interrupted run) is reused. The
    copy is written from the bytes hashed while copying and verified again on disk; durability
    comes from one `sync_barrier` per batch, before the ledger says the file is kept and before the
    original leaves the inbox.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / stored_name(incoming)
    if target.exists() and sha256_of(target) == incoming.sha256:
        return target
    tmp = target.with_name("." + target.name + ".partial")
    _copy_hashed(incoming.path, tmp, incoming.sha256)
    if incoming.mtime_ns:
        os.utime(tmp, ns=(incoming.mtime_ns, incoming.mtime_ns))
    if sha256_of(tmp) != incoming.sha256:  # what reached the disk
        tmp.unlink(missing_ok=True)
        raise ArchiveError(CHANGED)
    os.replace(tmp, target)
    return target


def sync_barrier(paths: list[Path]) -> None:
    """Make every copy of the batch durable at once (one barrier per batch, not one per file)."""
    if not paths:
        return
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in paths:  # Windows has no global sync: flush each copy
        with path.open("rb+") as f:
            os.fsync(f.fileno())


def write_note(stored: Path, text: str) -> Path:
    """The Vietnamese explanation next to a rejected original: '<name>.loi.txt'."""
    note = stored.with_name(stored.name + ".loi.txt")
    note.write_text(text, encoding="utf-8-sig")  # BOM so Notepad on Windows shows the diacritics
    return note


def release(incoming: Incoming) -> str | None:
    """Remove the original from the inbox, once it is archived, verified and in the ledger.

    Returns None when it left the inbox, else why it stays (Vietnamese): changed since it was
    hashed (its new content is for the next run), or it could not be removed (open in Excel on
    Windows): the next run only releases it.
    """
    if not incoming.path.exists():  # already gone (removed by hand): nothing left to release
        return None
    if not incoming.unchanged():
        return REWRITTEN
    try:
        incoming.path.unlink()
    except PermissionError:
        return IN_USE
    except OSError:
        return MOVE_FAILED
    return None
