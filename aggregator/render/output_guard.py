"""Outputs are never overwritten when they are not exactly what this tool last wrote.

Each output written is remembered by content (sha256, size, modification time). Before the next
write, an output edited since (the clerk filled in the number of the Word report) or one that
cannot be replaced (open in Excel or Word) is left as it is, and the new output goes beside it
as `…-moi.docx` (`…-moi-2.docx`, … when that is taken too), with a Vietnamese notice saying so.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from itertools import count
from pathlib import Path

from aggregator.render.safe_write import OutputLocked, write_replacing

ATTEMPTS = 5  # other names tried when the target cannot be replaced
EDITED = ("{name} đã được sửa sau lần tạo trước nên được giữ nguyên; bản mới đã ghi thành {new}.")
LOCKED = ("{name} đang mở trong chương trình khác (Excel, Word…) nên không ghi đè được; bản mới đã "
          "ghi thành {new}. Hãy đóng {name} rồi chạy “aggregator report”, hoặc dùng tệp {new}.")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Written:
    sha256: str
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: Path) -> Written:
        stat = path.stat()
        return cls(_sha256(path), stat.st_size, stat.st_mtime_ns)

    def matches(self, path: Path) -> bool:
        stat = path.stat()
        if stat.st_size != self.size:
            return False
        return stat.st_mtime_ns == self.mtime_ns or _sha256(path) == self.sha256


class OutputGuard:
    """Writes outputs under `outbox`, remembering them; `notices` says what was kept and why."""

    def __init__(self, outbox: Path, records: dict[str, dict] | None = None) -> None:
        self.outbox = outbox
        self.records = {key: Written(**value) for key, value in (records or {}).items()}
        self.notices: list[str] = []

    def key(self, path: Path) -> str:
        return path.relative_to(self.outbox).as_posix() if path.is_relative_to(self.outbox) \
            else str(path)

    def _as_written(self, path: Path) -> bool:
        record = self.records.get(self.key(path))
        try:
            return record is not None and record.matches(path)
        except OSError:
            return False

    def replaceable(self, path: Path) -> bool:
        """Absent, or exactly as last written (an outbox from before these records: any file)."""
        return not path.exists() or not self.records or self._as_written(path)

    def unchanged(self, paths: Iterable[Path]) -> bool:
        """Every one of `paths` is on disk exactly as this tool wrote it."""
        return all(path.exists() and self._as_written(path) for path in paths)

    def _beside(self, target: Path, taken: list[Path]) -> Path:
        for n in count(1):
            suffix = "-moi" if n == 1 else f"-moi-{n}"
            candidate = target.with_name(f"{target.stem}{suffix}{target.suffix}")
            if candidate not in taken and (not candidate.exists() or self._as_written(candidate)):
                return candidate
        raise AssertionError("unreachable")

    def write(self, target: Path, write: Callable[[Path], object]) -> Path:
        """`write(tmp)` writes the output; returns where it went (target, or a `-moi` name)."""
        edited = not self.replaceable(target)
        chosen = self._beside(target, []) if edited else target
        locked: list[Path] = []
        while True:
            try:
                write_replacing(chosen, write)
                break
            except OutputLocked:
                if len(locked) == ATTEMPTS:
                    raise
                locked.append(chosen)
                chosen = self._beside(target, locked)
        if edited:
            self.notices.append(EDITED.format(name=self.key(target), new=self.key(chosen)))
        if locked:
            names = ", ".join(self.key(path) for path in locked)
            self.notices.append(LOCKED.format(name=names, new=self.key(chosen)))
        self.records[self.key(chosen)] = Written.of(chosen)
        return chosen

    def to_dict(self) -> dict[str, dict]:
        """The records of outputs still on disk, for the outbox state file."""
        return {key: asdict(record) for key, record in self.records.items()
                if (self.outbox / key).exists()}
