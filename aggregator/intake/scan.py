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
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _ignored(name: str) -> bool:
    return (
        name.startswith(".")  # hidden files (and .partial copies of ours)
        or name.startswith("~$")  # Office lock files
        or Path(name).suffix.lower() in IGNORED_SUFFIXES
    )


def _candidates(inbox: Path) -> list[Path]:
    found = []
    for folder, dirs, files in os.walk(inbox, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            path = Path(folder) / name
            if not _ignored(name) and not path.is_symlink() and path.is_file():
                found.append(path)
    return found


def _signature(path: Path) -> tuple[int, int, float] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime


def scan_inbox(inbox: Path, settle_seconds: float = 1.0) -> Scan:
    if not inbox.is_dir():
        return Scan([], [])
    paths = _candidates(inbox)
    before = {p: _signature(p) for p in paths}
    # Wait once per run, and only if something was touched within the window (ctime changes on
    # every write, even when a copy keeps the original modification time).
    recent = time.time() - settle_seconds
    if settle_seconds > 0 and any(sig is None or sig[2] >= recent for sig in before.values()):
        time.sleep(settle_seconds)
    files, unsettled = [], []
    for path in paths:
        relative = path.relative_to(inbox).as_posix()
        now = _signature(path)
        if now is None or now != before[path]:
            unsettled.append(relative)
            continue
        sha = sha256_of(path)
        if _signature(path) != now:  # changed while hashing
            unsettled.append(relative)
            continue
        files.append(Incoming(path, relative, sha, now[0],
                              datetime.fromtimestamp(now[1] / 1e9).replace(microsecond=0), now[1]))
    return Scan(files, unsettled)
