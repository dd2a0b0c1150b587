"""What the screen shows while a verb works: one progress bar, on a terminal only.

The library reports its steps through callbacks (files read; each output about to be written;
each folder LibreOffice converts to PDF); here they become one transient rich bar. Captured or
redirected output (a scheduled run, a script, a test) gets nothing: no bar, no control characters.
"""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

READING_FROM = 50  # files: below this the reading is over before a bar is worth drawing
READING = "Đang đọc và kiểm tra tệp"
WRITING = "Đang lập {name}"
CHARTS = "Đang vẽ biểu đồ"
CONVERTING = "Đang chuyển sang PDF (LibreOffice): {name}"


class ScreenProgress:
    """One bar for the steps of a verb, drawn only when `console` is a terminal and `enabled`.
    Use it as a context manager; its methods are the library's progress callbacks."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.enabled = enabled and console.is_terminal
        self._bar = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                             TimeElapsedColumn(), transient=True, console=console)
        self._task = None

    def __enter__(self) -> ScreenProgress:  # noqa: PYI034
        return self

    def __exit__(self, *_: object) -> None:
        if self._task is not None:
            self._bar.stop()

    def _show(self, description: str, done: int, total: int) -> None:
        if self._task is not None and done >= total:  # the end: the last step's name stays
            description = self._bar.tasks[0].description
        if self._task is None:
            self._bar.start()
            self._task = self._bar.add_task(description, total=total)
        changed = self._bar.tasks[0].description != description
        self._bar.update(self._task, description=description, completed=done, total=total)
        if changed:  # a new step is on screen at once, not at the next refresh
            self._bar.refresh()

    def reading(self, done: int, total: int) -> None:
        if total >= READING_FROM:
            self._show(READING, done, total)

    def writing(self, path: Path, done: int, total: int) -> None:
        text = CHARTS if path.name == "bieu-do" else WRITING.format(name=path.name)
        self._show(text, done, total)

    def converting(self, folder: Path, done: int, total: int) -> None:
        self._show(CONVERTING.format(name=folder.name), done, total)

    def callbacks(self) -> dict:
        """The keyword arguments of `api.run` and `api.demo`: none when nothing is drawn."""
        if not self.enabled:
            return {}
        return {"progress": self.reading, "rendering": self.writing}
