"""The one way an output reaches the disk: written in full to a temporary file beside the target,
then put in place with `os.replace`, so a half-written output never replaces a good one.

When the target cannot be replaced — on Windows, Excel or Word holds an open file locked — the
failure is an `OutputLocked` with a Vietnamese message, never the library's English text.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

LOCKED = ("Không ghi được {name} vì tệp đang mở trong chương trình khác (Excel, Word…) hoặc không "
          "được phép ghi. Hãy đóng tệp rồi chạy lại.")


class OutputLocked(PermissionError):
    """The target exists and cannot be replaced (open in another program, read-only)."""

    def __init__(self, target: Path) -> None:
        super().__init__(LOCKED.format(name=target.name))
        self.target = target

    def __str__(self) -> str:
        return str(self.args[0])


def _refused(exc: BaseException) -> bool:
    """The file system refused the write — also when a library wraps that refusal (xlsxwriter's
    FileCreateError carries the PermissionError)."""
    refusals = (PermissionError, IsADirectoryError)
    return isinstance(exc, refusals) or bool(exc.args and isinstance(exc.args[0], refusals))


def temporary_beside(target: Path) -> Path:
    """Hidden, same folder (so `os.replace` is a rename), same suffix (programs that look at it)."""
    return target.with_name(f".{target.stem}.{os.getpid()}.dang-ghi{target.suffix}")


def write_replacing(target: Path, write: Callable[[Path], object]) -> Path:
    """`write(tmp)` writes the whole output to `tmp`; it then replaces `target` in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_beside(target)
    try:
        try:
            write(tmp)
            os.replace(tmp, target)
        except Exception as exc:
            if _refused(exc):  # the target, or its folder
                raise OutputLocked(target) from exc
            raise
    finally:
        tmp.unlink(missing_ok=True)
    return target


def write_text_replacing(target: Path, text: str) -> Path:
    return write_replacing(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
