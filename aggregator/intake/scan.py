"""Scan the inbox: every real file below it, with its hash and received time; and every other entry
with the reason it is not taken in — nothing under the inbox is passed over in silence.

Never follows links (a link could lead out of the inbox), sets aside Office lock files, hidden and
temporary files, and leaves for the next run a file still being written: one whose size or
modification time changes during the settle window or while it is hashed.
"""

from __future__ import annotations

import hashlib
import os
import stat as stat_kind
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aggregator.pipeline.faults import checkpoint

IGNORED_SUFFIXES = {".tmp", ".crdownload", ".part", ".partial"}

# Why an entry is not taken in (Vietnamese, one line; the screen and the log group by it).
HIDDEN = "tệp ẩn (tên bắt đầu bằng dấu chấm), không phải báo cáo"
LOCK_FILE = "tệp khóa tạm của Excel/Word (~$…), tự mất khi đóng chương trình"
TEMPORARY = "tệp tạm hoặc đang tải về dở (.tmp, .crdownload, .part)"
LINK = "lối tắt (liên kết) tới tệp khác, không được mở; hãy chép chính tệp báo cáo vào inbox"
HIDDEN_FOLDER = "thư mục ẩn (tên bắt đầu bằng dấu chấm), không được đọc"
NOT_A_FILE = "không phải tệp thông thường (đường ống, ổ cắm hay thiết bị), không đọc được"
NO_ACCESS = "không có quyền đọc; hãy kiểm tra quyền truy cập của tệp hoặc thư mục"
BEING_WRITTEN = "tệp đang được ghi (kích thước hoặc giờ lưu thay đổi), để lại lần chạy sau"
UNREADABLE_NOW = "không đọc được tệp lúc này (lỗi hệ thống), sẽ thử lại ở lần chạy sau"


@dataclass(frozen=True)
class Incoming:
    path: Path
    relative: str  # POSIX-style path below the inbox, for the ledger and messages
    sha256: str
    size: int
    received_at: datetime  # the file's modification time: when the unit last saved it
    mtime_ns: int = 0  # to tell, cheaply, that the file has not changed since it was hashed
    container: str | None = None  # SHA-256 of the e-mail or zip it came from (a member)

    def unchanged(self) -> bool:
        try:
            stat = self.path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True)
class Skipped:
    """An inbox entry not taken in by this run: `ignored` (never) or `waiting` (next run)."""

    relative: str
    status: str
    reason: str


@dataclass(frozen=True)
class Scan:
    files: list[Incoming]
    skipped: list[Skipped] = field(default_factory=list)

    @property
    def unsettled(self) -> list[str]:
        """Relative paths still being written, left for the next run."""
        return [s.relative for s in self.skipped if s.status == "waiting"]


def sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _ignored_because(name: str) -> str | None:
    if name.startswith("~$"):
        return LOCK_FILE
    if name.startswith("."):  # hidden files (and .partial copies of ours)
        return HIDDEN
    if Path(name).suffix.lower() in IGNORED_SUFFIXES:
        return TEMPORARY
    return None


def readable_name(path: Path, inbox: Path) -> str:
    """The entry's path below the inbox as people read it, in the ledger and every message.

    A name that is not valid UTF-8 (a zip unpacked on Linux keeps the legacy Windows bytes;
    Python carries them as lone surrogates, which no file, log or database can store) is read in
    the Vietnamese Windows code page; control characters (a new line, an escape sequence) show as
    '�', so that a name can neither break a line of the log nor drive the terminal."""
    raw = path.relative_to(inbox).as_posix().encode("utf-8", "surrogateescape")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("cp1258", "replace")
    return "".join("\ufffd" if unicodedata.category(ch) == "Cc" else ch
                   for ch in unicodedata.normalize("NFC", text))


def _candidates(inbox: Path, skipped: list[Skipped]) -> dict[Path, tuple[int, int, float]]:
    """Every regular file below the inbox, with its signature (one directory listing and one stat
    per file); every other entry goes to `skipped` with its reason."""
    found: dict[Path, tuple[int, int, float]] = {}

    def skip(path: str, reason: str, folder: bool = False, status: str = "ignored") -> None:
        relative = readable_name(Path(path), inbox) + ("/" if folder else "")
        skipped.append(Skipped(relative, status, reason))

    def walk(folder: str) -> None:
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except PermissionError:
            skip(folder, NO_ACCESS, folder=True)
            return
        except FileNotFoundError:  # removed while the inbox was listed: nothing left to report
            return
        except OSError:
            skip(folder, UNREADABLE_NOW, folder=True, status="waiting")
            return
        folders = []
        for entry in entries:  # a folder's files first, then its subfolders
            try:
                if entry.is_symlink():
                    skip(entry.path, LINK)
                elif entry.is_dir(follow_symlinks=False):
                    if entry.name.startswith("."):
                        skip(entry.path, HIDDEN_FOLDER, folder=True)
                    else:
                        folders.append(entry.path)
                elif (reason := _ignored_because(entry.name)) is not None:
                    skip(entry.path, reason)
                elif not entry.is_file(follow_symlinks=False):
                    skip(entry.path, NOT_A_FILE)
                else:
                    stat = entry.stat(follow_symlinks=False)
                    if not stat_kind.S_ISREG(stat.st_mode):
                        skip(entry.path, NOT_A_FILE)
                    else:
                        found[Path(entry.path)] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime)
            except PermissionError:
                skip(entry.path, NO_ACCESS)
            except FileNotFoundError:  # removed while the inbox was listed
                continue
            except OSError:
                skip(entry.path, UNREADABLE_NOW, status="waiting")
        for folder_path in folders:
            walk(folder_path)

    walk(str(inbox))
    return found


def _signature(path: Path) -> tuple[int, int, float] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime


def _hash_if_settled(path: Path, before: tuple[int, int, float]) -> str | None:
    """The file's hash, or None when it changed (or vanished) since `before` or while hashing."""
    checkpoint("hash", path)
    sha = sha256_of(path)
    return sha if _signature(path) == before else None


def received_time(mtime_ns: int, zone: ZoneInfo | None = None) -> datetime:
    """A modification time as the wall-clock time of `zone` (the plan's), naive, to the second."""
    moment = datetime.fromtimestamp(mtime_ns // 1_000_000_000, zone)
    return moment.replace(tzinfo=None)


def stamp(path: Path, when: datetime, zone: ZoneInfo | None) -> None:
    """Set a file's modification time to `when`, a wall-clock time of `zone` when naive (the
    inverse of `received_time`: the demo and the tests date files this way)."""
    moment = when if when.tzinfo is not None else when.replace(tzinfo=zone)
    os.utime(path, (moment.timestamp(), moment.timestamp()))


def scan_inbox(inbox: Path, settle_seconds: float = 1.0, zone: ZoneInfo | None = None) -> Scan:
    """Every entry below `inbox`: the files to take in, and the others with their reason. File
    times are read in `zone` (the plan's time zone; None: this machine's)."""
    if not inbox.is_dir():
        return Scan([], [])
    skipped: list[Skipped] = []
    before = _candidates(inbox, skipped)
    # Wait once per run, and only if something was touched within the window (ctime changes on
    # every write, even when a copy keeps the original modification time).
    recent = time.time() - settle_seconds
    if settle_seconds > 0 and any(sig[2] >= recent for sig in before.values()):
        time.sleep(settle_seconds)
    files = []
    for path, signature in before.items():
        relative = readable_name(path, inbox)
        try:
            sha = _hash_if_settled(path, signature)
        except PermissionError:
            skipped.append(Skipped(relative, "ignored", NO_ACCESS))
            continue
        except FileNotFoundError:  # taken away since the listing: no longer in the inbox
            continue
        except Exception:  # one file never fails the run: it waits for the next one
            skipped.append(Skipped(relative, "waiting", UNREADABLE_NOW))
            continue
        if sha is None:
            skipped.append(Skipped(relative, "waiting", BEING_WRITTEN))
            continue
        size, mtime_ns, _ = signature
        files.append(Incoming(path, relative, sha, size, received_time(mtime_ns, zone), mtime_ns))
    return Scan(files, sorted(skipped, key=lambda s: s.relative))
