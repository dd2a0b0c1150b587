"""Ingestion, the heart of `run`: every new file in the inbox is read, validated, kept byte for byte
(archive or rejected/, with its explanation and annotated copy), recorded, and only then released.

Copy and verify → one sync barrier → one ledger transaction → release. A run killed anywhere leaves
each file either still in the inbox (the next run redoes it: copies are idempotent, the ledger
transaction all-or-nothing) or recorded and archived (the next run only finishes releasing it).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from aggregator.config import Config
from aggregator.context import Context
from aggregator.faults import checkpoint
from aggregator.intake import (
    Incoming,
    Scan,
    overwritten_in_place,
    release,
    safe_part,
    scan_inbox,
    store,
    sync_barrier,
    write_note,
)
from aggregator.ledger import Ledger, NewSubmission
from aggregator.render.feedback import write_feedback
from aggregator.results import FileOutcome
from aggregator.timing import Stopwatch
from aggregator.validate.judgment import History, judge
from aggregator.validate.report import FileReport
from aggregator.validate.validator import validate_reports
from aggregator.workers import Workers


def late_for(report: FileReport, config: Config, received: date) -> bool | None:
    read = report.read
    if read.form is None or read.period is None:
        return None
    round_ = config.round_for(read.form.code, read.period)
    return None if round_ is None else received >= round_.late_from


def outcome_of(report: FileReport, name: str, sha: str, status: str, late: bool | None,
               stored: Path | None = None, note: Path | None = None,
               feedback: Path | None = None) -> FileOutcome:
    read = report.read
    return FileOutcome(
        name=name, sha256=sha, status=status,
        unit=read.unit.code if read.unit else None,
        form=read.form.code if read.form else None,
        period=read.period.code if read.period else None,
        late=late, errors=report.errors, warnings=report.warnings, stored=stored, note=note,
        feedback=feedback,
    )


def levels(ctx: Context) -> dict[str, str]:
    return {u.code: u.level for u in ctx.units.units}


def history(ledger: Ledger, config: Config) -> History:
    """In-force numeric values per round, for the warnings that compare with what came before."""
    frames = {}
    for round_ in config.rounds:
        long = ledger.in_force_values(round_.form, round_.parsed_period.code)
        long = long[long["number"].notna()]
        if not long.empty:
            frames[(round_.form, round_.parsed_period.code)] = long.pivot_table(
                index="unit", columns="indicator", values="number", aggfunc="sum")
    return History(frames)


COPY_THREADS = 4
CHUNK = 256  # files checked together while the workers go on reading


def _store(item: Incoming, folder: Path) -> Path:
    checkpoint("before-copy")
    stored = store(item, folder)
    checkpoint("after-copy")
    return stored


def _store_all(jobs: list[tuple[Incoming, Path]]) -> list[Path]:
    return [_store(item, folder) for item, folder in jobs]


def _feedback_job(job: tuple) -> Path:
    stored, issues, out, intro = job
    return write_feedback(stored, issues, out, intro)


def _feedback_text(incoming: Incoming, report: FileReport, in_force: str | None) -> str:
    read = report.read
    lines = [
        "PHẢN HỒI VỀ TỆP BÁO CÁO",
        "",
        f"Tệp: {incoming.relative}",
        f"Thời điểm lưu tệp: {incoming.received_at:%d/%m/%Y %H:%M}",
    ]
    if read.unit:
        lines.append(f"Đơn vị: {read.unit.code} – {read.unit.name}")
    if read.form:
        lines.append(f"Biểu mẫu: {read.form.code} – {read.form.title}")
    if read.period:
        lines.append(f"Kỳ báo cáo: {read.period.label}")
    lines += ["", "Tệp CHƯA ĐƯỢC TIẾP NHẬN vì có các lỗi sau:"]
    lines += [f"  {i}. {issue.message}" for i, issue in enumerate(report.errors, start=1)]
    if report.warnings:
        lines += ["", "Các điểm cần xem lại (không phải lỗi):"]
        lines += [f"  - {issue.message}" for issue in report.warnings]
    if in_force:
        lines += ["", f"Báo cáo đã tiếp nhận trước đó ({in_force}) vẫn được sử dụng để tổng hợp."]
    lines += ["", "Đề nghị đơn vị sửa các lỗi trên và gửi lại tệp báo cáo."]
    return "\n".join(lines) + "\n"


def _feedback_intro(incoming: Incoming, report: FileReport) -> list[str]:
    verdict = ("Tệp CHƯA ĐƯỢC TIẾP NHẬN: hãy sửa các ô tô đỏ (xem ghi chú tại từng ô) rồi gửi lại "
               "chính tệp này." if report.errors else
               "Tệp đã được tiếp nhận; các ô tô vàng cần đơn vị xem lại (không bắt buộc sửa).")
    return [f"PHẢN HỒI VỀ TỆP “{incoming.relative}”", verdict]


def _in_force_name(ledger: Ledger, report: FileReport) -> str | None:
    read = report.read
    if not read.identified:
        return None
    row = ledger.conn.execute(
        "SELECT original_name FROM submissions WHERE status = 'accepted' AND superseded_by IS NULL"
        " AND form = ? AND period = ? AND unit = ?",
        (read.form.code, read.period.code, read.unit.code),
    ).fetchone()
    return row[0] if row else None


def _position(cell) -> tuple[str | None, str | None]:
    return (cell.sheet, cell.cell) if cell is not None else (None, None)


@dataclass
class _Planned:
    """One file of the batch, between reading it and letting it leave the inbox."""

    item: Incoming
    submission: NewSubmission
    outcome: FileOutcome


def _plan_known(ctx: Context, ledger: Ledger, scan: Scan) -> tuple[list[Incoming], list[_Planned],
                                                                     list[int]]:
    """Split the scan into fresh files, exact duplicates to keep, and files a killed run had
    already recorded (their submission ids: only the release is left to do)."""
    fresh, duplicates, recovered = [], [], []
    seen_now: set[str] = set()
    seen_before = ledger.find_shas([item.sha256 for item in scan.files])
    for item in scan.files:
        known = seen_before.get(item.sha256, [])
        unfinished = [r for r in known if r["inbox_path"] == item.relative
                      and r["released_at"] is None and Path(r["stored_path"]).exists()]
        if unfinished:
            recovered.append((item, unfinished[0]["id"]))
        elif known or item.sha256 in seen_now:
            stored = store(item, ctx.workspace.archive / "trung-lap")
            sub = NewSubmission(item.sha256, item.path.name, item.relative, str(stored),
                                item.received_at, "duplicate", None, None, None, {}, [])
            duplicates.append(_Planned(item, sub, FileOutcome(
                item.relative, item.sha256, "duplicate", None, None, None, None, [], [], stored)))
        else:
            seen_now.add(item.sha256)
            fresh.append(item)
    return fresh, duplicates, recovered


def _plan_fresh(ctx: Context, ledger: Ledger, fresh: list[Incoming], now: datetime,
                workers: Workers, timings: dict[str, float],
                progress: Callable[[int, int], None] | None = None) -> list[_Planned]:
    if not fresh:
        return []
    ws = ctx.workspace
    clock = Stopwatch(timings)
    if ctx.config.received_time == "arrival":
        fresh = [replace(item, received_at=now) for item in fresh]
    # While the workers read, this process checks each chunk against the plan and the rules (all
    # that decides accept or reject) and copies the files out; warnings come after, batch-wide.
    below, hist, lv = ctx.units, history(ledger, ctx.config), levels(ctx)
    reports, copies = [], []
    pending: list[FileReport] = []
    with ThreadPoolExecutor(COPY_THREADS) as pool:
        def settle(chunk: list[FileReport]) -> None:
            validate_reports(chunk, ctx.config, hist, lv, below, judgment=False)
            jobs = []
            for report in chunk:
                item = fresh[len(reports)]
                reports.append(report)
                r = report.read
                jobs.append((item, ws.archive / r.form.code / r.period.code / safe_part(r.unit.code)
                             if report.acceptable else ws.rejected))
            copies.append(pool.submit(_store_all, jobs))  # one task per chunk, not per file

        for done, report in enumerate(workers.read_iter([item.path for item in fresh]), start=1):
            if progress is not None:
                progress(done, len(fresh))
            pending.append(report)
            if len(pending) >= CHUNK:
                settle(pending)
                pending = []
        settle(pending)
        clock.lap("read")
        judge(reports, hist, lv)
        clock.lap("validate")
        stored_paths = [path for future in copies for path in future.result()]
    planned, feedback_jobs = [], []
    for item, report, stored in zip(fresh, reports, stored_paths):
        read = report.read
        late = late_for(report, ctx.config, item.received_at.date())
        note = None
        status = "accepted" if report.acceptable else "rejected"
        if not report.acceptable:
            note = write_note(stored, _feedback_text(item, report, _in_force_name(ledger, report)))
        feedback = None
        wanted = report.errors or (report.warnings and ctx.config.feedback_copies == "all")
        if wanted and read.form is not None:
            feedback = (ws.outbox / "phan-hoi" / safe_part(read.unit.code if read.unit else
                                                         "khong-ro-don-vi")
                        / f"{Path(item.relative).stem}-phan-hoi.xlsx")
            feedback_jobs.append((stored, report.issues, feedback, _feedback_intro(item, report)))
        values = {code: (value, *_position(read.cells.get(code)))
                  for code, value in report.values.items()}
        sub = NewSubmission(
            item.sha256, item.path.name, item.relative, str(stored), item.received_at, status,
            read.unit.code if read.unit else None, read.form.code if read.form else None,
            read.period.code if read.period else None, values, report.issues,
            instance=report.instance, items=report.items)
        planned.append(_Planned(item, sub, outcome_of(report, item.relative, item.sha256, status,
                                                      late, stored, note, feedback)))
    clock.lap("archive")
    written = dict(zip([job[2] for job in feedback_jobs],
                       workers.map_small(_feedback_job, feedback_jobs)))
    for p in planned:  # the annotated copy may have taken the original's suffix (.xlsm)
        if p.outcome.feedback is not None:
            p.outcome = replace(p.outcome, feedback=written[p.outcome.feedback])
    clock.lap("feedback")
    return planned


def ingest(ctx: Context, ledger: Ledger, run_id: int, workers: Workers,
           timings: dict[str, float], progress: Callable[[int, int], None] | None = None
           ) -> tuple[list[FileOutcome], int, list[str], list[str]]:
    """Keep every new file; returns the outcomes, how many files a killed run had left to
    release, the files still being written (left for the next run), and the files overwritten in
    place during the run (kept for the next run; their archive copies changed with them)."""
    clock = Stopwatch(timings)
    scan = scan_inbox(ctx.workspace.inbox, ctx.config.settle_seconds)
    clock.lap("scan")
    fresh, duplicates, recovered = _plan_known(ctx, ledger, scan)
    planned = duplicates + _plan_fresh(ctx, ledger, fresh, datetime.now().replace(microsecond=0),
                                       workers, timings, progress)
    clock.reset()
    sync_barrier([Path(p.submission.stored_path) for p in planned])
    clock.lap("sync")
    ids = ledger.record_many(run_id, [p.submission for p in planned], checkpoint)
    clock.lap("ledger")
    done, overwritten = [], []
    for sid, p in zip(ids, planned):
        checkpoint("before-release")
        if release(p.item):
            done.append(sid)
        elif overwritten_in_place(p.item, Path(p.submission.stored_path)):
            overwritten.append(p.item.relative)
    for item, sid in recovered:
        if release(item):
            done.append(sid)
    ledger.mark_released(done)
    clock.lap("release")
    return [p.outcome for p in planned], len(recovered), scan.unsettled, overwritten


