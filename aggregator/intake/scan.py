"""Scan the inbox: every real file below it, with its hash and received time; skip what is not ours.

Never follows links (a link could lead out of the inbox), skips Office lock files, hidden and
temporary files, and files still being written: a file whose size or modification time changes
during the settle window is left for the next run.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

IGNORED_SUFFIXES = {".tmp", ".crdownload", ".part", ".partial"}


@dataclass(frozen=True)
class Incoming:
    path: Path
    relative: str  # POSIX-style path below the inbox, for the ledger and messages
    sha256: str
    size: int
    received_at: datetime  # the file's modification time: when the unit last saved it
    mtime_ns: int = 0  # to tell, cheaply, that the file has not changed since it was hashed

    def unchanged(self) -> bool:
        try:
            stat = self.path.stat()
        except OSError:
            return False
        return (stat.st_size, stat.st_mtime_ns) == (self.size, self.mtime_ns)


@dataclass(frozen=True)
class Scan:
    files: list[Incoming]
    unsettled: list[str]  # relative paths still being written, left for the next run


def sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _ignored(name: str) -> bool:
    return (
        name.startswith(".")  # hidden files (and .partial copies of ours)
        or name.startswith("~$")  # Office lock files
        or Path(name).suffix.lower() in IGNORED_SUFFIXES
    )


def _candidates(inbox: Path) -> dict[Path, tuple[int, int, float]]:
    """Every regular file below the inbox (links and hidden folders skipped), with its signature
    (one directory listing and one stat per file)."""
    found: dict[Path, tuple[int, int, float]] = {}

    def walk(folder: str) -> None:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
        folders = []
        for entry in entries:  # a folder's files first, then its subfolders
            if entry.is_symlink() or entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.append(entry.path)
            elif not _ignored(entry.name) and entry.is_file(follow_symlinks=False):
                stat = entry.stat(follow_symlinks=False)
                found[Path(entry.path)] = (stat.st_size, stat.st_mtime_ns, stat.st_ctime)
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
    try:
        sha = sha256_of(path)
    except OSError:
        return None
    return sha if _signature(path) == before else None


def scan_inbox(inbox: Path, settle_seconds: float = 1.0) -> Scan:
    if not inbox.is_dir():
        return Scan([], [])
    before = _candidates(inbox)
    # Wait once per run, and only if something was touched within the window (ctime changes on
    # every write, even when a copy keeps the original modification time).
    recent = time.time() - settle_seconds
    if settle_seconds > 0 and any(sig[2] >= recent for sig in before.values()):
        time.sleep(settle_seconds)
    files, unsettled = [], []
    for path, signature in before.items():
        relative = path.relative_to(inbox).as_posix()
        sha = _hash_if_settled(path, signature)
        if sha is None:
            unsettled.append(relative)
            continue
        size, mtime_ns, _ = signature
        received = datetime.fromtimestamp(mtime_ns / 1e9).replace(microsecond=0)
        files.append(Incoming(path, relative, sha, size, received, mtime_ns))
    return Scan(files, unsettled)
