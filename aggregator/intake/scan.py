"""Scan the inbox: every real file below it, with its hash and received time; skip what is not ours."""

from __future__ import annotations

import hashlib
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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _ignored(path: Path, inbox: Path) -> bool:
    parts = path.relative_to(inbox).parts
    name = path.name
    return (
        any(p.startswith(".") for p in parts)  # hidden files and folders
        or name.startswith("~$")  # Office lock files
        or path.suffix.lower() in IGNORED_SUFFIXES
        or path.is_symlink()  # never follow links out of the inbox
        or not path.is_file()
    )


def scan_inbox(inbox: Path) -> list[Incoming]:
    if not inbox.is_dir():
        return []
    found = []
    for path in sorted(inbox.rglob("*")):
        if _ignored(path, inbox):
            continue
        stat = path.stat()
        found.append(
            Incoming(
                path=path,
                relative=path.relative_to(inbox).as_posix(),
                sha256=sha256_of(path),
                size=stat.st_size,
                received_at=datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0),
            )
        )
    return found
