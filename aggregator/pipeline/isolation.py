"""One file's fault never fails the run: each per-file step (copy, read, validate, feedback copy,
release) either succeeds or says, in Vietnamese, why that one file is rejected or left waiting in
the inbox for the next run; the other files go on."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from aggregator.intake.archive import IN_USE, MOVE_FAILED, ArchiveError, release, store
from aggregator.intake.scan import Incoming
from aggregator.issues import make_issue
from aggregator.pipeline.faults import checkpoint
from aggregator.pipeline.workers import Workers
from aggregator.read import ReadResult
from aggregator.render.forms.feedback import write_feedback
from aggregator.results import FileOutcome
from aggregator.validate.report import FileReport

# Why a file was not taken in because of a fault on our side (Vietnamese, for the screen and log).
STORE_FAILED = "không lưu được bản sao tệp (lỗi khi ghi vào thư mục lưu trữ), để lại lần chạy sau"
NOTE_FAILED = "không ghi được tệp giải thích (.loi.txt), để lại lần chạy sau"
PLAN_FAILED = "lỗi của chương trình khi chuẩn bị ghi sổ, để lại lần chạy sau"
RECORD_FAILED = "không ghi được vào sổ theo dõi (ledger), để lại lần chạy sau"
RECOVERED = "đã xử lý ở lần chạy trước nhưng {why}"
TWIN_WAITING = "giống hệt một tệp khác đang để lại lần chạy sau, sẽ được xử lý cùng tệp đó"


def waiting(item: Incoming, reason: str) -> FileOutcome:
    """A file left in the inbox for the next run, and why."""
    return FileOutcome(item.relative, item.sha256, "waiting", None, None, None, None, [], [],
                       reason=reason)


def store_or_reason(item: Incoming, folder: Path) -> Path | str:
    """The stored copy, or why there is none (the file then waits in the inbox)."""
    try:
        checkpoint("before-copy", item.path)
        stored = store(item, folder)
        checkpoint("after-copy", item.path)
    except ArchiveError as exc:
        return str(exc)
    except Exception:  # one file never fails the run
        return STORE_FAILED
    return stored


def store_all(jobs: list[tuple[Incoming, Path]]) -> list[Path | str]:
    return [store_or_reason(item, folder) for item, folder in jobs]


def feedback_job(job: tuple) -> Path | None:
    stored, issues, out, intro, read = job
    try:
        checkpoint("feedback", stored)
        return write_feedback(stored, issues, out, intro, read)
    except Exception:  # the verdict stands; the file says the annotated copy is missing
        return None


def isolated(step: Callable[[list[FileReport]], object], reports: list[FileReport],
              stage: str, severity: str = "error") -> None:
    """Run a batch step; if it fails, run it file by file, and a file it still fails on gets a
    `file-internal-error` issue (the others are not held back by it)."""
    before = [list(r.issues) for r in reports]
    try:
        step(reports)
        return
    except Exception:
        for report, issues in zip(reports, before):
            report.issues[:] = issues
    for report, issues in zip(reports, before):
        try:
            step([report])
        except Exception:
            report.issues[:] = issues + [make_issue("file-internal-error", stage=stage,
                                                    severity=severity)]


def read_all(workers: Workers, paths: list[Path]) -> Iterator[FileReport]:
    """Every file read and checked, in order; a file the reader fails on is rejected with a
    `file-internal-error` issue and the files after it are still read."""
    done = 0
    try:
        for report in workers.read_iter(paths):
            done += 1
            yield report
        return
    except Exception:
        pass
    for path in paths[done:]:  # one at a time from the file that failed
        try:
            [report] = workers.read([path])
        except Exception:
            report = FileReport(ReadResult(path), issues=[make_issue("file-internal-error",
                                                                     stage="đọc")])
        yield report


def release_or_reason(item: Incoming) -> str | None:
    """None once the original left the inbox, else why it is still there."""
    try:
        checkpoint("before-release", item.path)
        return release(item)
    except PermissionError:
        return IN_USE
    except Exception:
        return MOVE_FAILED
