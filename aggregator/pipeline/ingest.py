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
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

import pandas as pd

from aggregator.consolidate.aggregate import unit_by_code
from aggregator.intake import (
    Incoming,
    Scan,
    fit_name,
    safe_part,
    scan_inbox,
    sync_barrier,
    write_note,
)
from aggregator.intake.archive import REWRITTEN
from aggregator.intake.containers import (
    CONTAINER_SUFFIXES,
    NO_FORMS,
    SEPARATOR,
    Container,
    expand,
)
from aggregator.issues import make_issue
from aggregator.ledger import Ledger, NewSubmission
from aggregator.pipeline.context import Context
from aggregator.pipeline.faults import checkpoint
from aggregator.pipeline.isolation import (
    NOTE_FAILED,
    PLAN_FAILED,
    RECORD_FAILED,
    RECOVERED,
    TWIN_WAITING,
    feedback_job,
    isolated,
    read_all,
    release_or_reason,
    store_all,
    store_or_reason,
    waiting,
)
from aggregator.pipeline.timing import Stopwatch
from aggregator.pipeline.workers import Workers
from aggregator.results import FileOutcome, Original
from aggregator.validate.judgment import History, judge
from aggregator.validate.report import FileReport
from aggregator.validate.validator import validate_reports
from aggregator.vn_format import date_time
from aggregator.vn_format import short_date as vn_short_date
from aggregator.workspace.config import Config


def late_for(report: FileReport, config: Config, received: date) -> bool | None:
    read = report.read
    if read.form is None or read.period is None:
        return None
    round_ = config.round_for(read.form.code, read.period)
    return None if round_ is None else round_.is_late(received)


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
    """In-force numeric values per round, for the warnings that compare with what came before;
    each round's made when first asked for."""
    planned = {(r.form, r.parsed_period.code) for r in config.rounds}

    def load(form: str, period: str) -> pd.DataFrame | None:
        if (form, period) not in planned:
            return None
        long = ledger.in_force_values(form, period)
        long = long[long["number"].notna()]
        return None if long.empty else unit_by_code(long)

    return History(load=load)


def _feedback_text(incoming: Incoming, report: FileReport, in_force: str | None,
                   sender: str | None = None) -> str:
    read = report.read
    lines = [
        "PHẢN HỒI VỀ TỆP BÁO CÁO",
        "",
        f"Tệp: {incoming.relative}",
        f"Thời điểm nhận thư: {date_time(incoming.received_at)}" if sender else
        f"Thời điểm lưu tệp: {date_time(incoming.received_at)}",
    ]
    if sender:
        lines.append(f"Gửi qua thư điện tử: trả lời về địa chỉ {sender}")
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


def _name(item: Incoming) -> str:
    """The file's name as people read it (see `readable_name`), for the ledger."""
    return PurePosixPath(item.relative).name


def _in_force_name(ledger: Ledger, report: FileReport) -> str | None:
    read = report.read
    if not read.identified:
        return None
    return ledger.in_force_name(read.form.code, read.period.code, read.unit.code)


def _position(cell) -> tuple[str | None, str | None]:
    return (cell.sheet, cell.cell) if cell is not None else (None, None)


@dataclass
class _Planned:
    """One file of the batch, between reading it and letting it leave the inbox."""

    item: Incoming
    submission: NewSubmission
    outcome: FileOutcome


COPY_THREADS = 4
CHUNK = 256  # files checked together while the workers go on reading

def _saved_late_issue(saved: datetime, clock: datetime):
    return make_issue("file-saved-after-run-date", saved=date_time(saved),
                      as_of=vn_short_date(clock.date()))


def _plan_known(ctx: Context, ledger: Ledger, scan: Scan, redropped: set[str] = frozenset()
                ) -> tuple[list[Incoming], list[_Planned], list[tuple[Incoming, int]],
                           list[FileOutcome]]:
    """Split the scan into fresh files, exact duplicates to keep, files a killed run had already
    recorded (with their submission ids: only the release is left to do), and files left waiting."""
    fresh, duplicates, recovered, left = [], [], [], []
    seen_now: set[str] = set()
    seen_before = ledger.find_shas([item.sha256 for item in scan.files])
    for item in scan.files:
        known = seen_before.get(item.sha256, [])
        # A member of an e-mail or zip still in the inbox was recorded by an earlier run that did
        # not get to release the container: only the release is left, never a duplicate.
        unfinished = [r for r in known if r["inbox_path"] == item.relative
                      and (r["released_at"] is None or (
                          item.container is not None and r["container_sha256"] == item.container
                          and item.container not in redropped))
                      and Path(r["stored_path"]).exists()]
        if unfinished:
            recovered.append((item, unfinished[0]["id"]))
        elif known or item.sha256 in seen_now:
            stored = store_or_reason(item, ctx.workspace.archive / "trung-lap")
            if isinstance(stored, str):
                left.append(waiting(item, stored))
                continue
            sub = NewSubmission(item.sha256, _name(item), item.relative, str(stored),
                                item.received_at, "duplicate", None, None, None, {}, [],
                                container_sha256=item.container)
            original = _original(known)
            duplicates.append(_Planned(item, sub, FileOutcome(
                item.relative, item.sha256, "duplicate", original and original.unit,
                original and original.form, original and original.period, None, [], [], stored,
                duplicate_of=original)))
        else:
            seen_now.add(item.sha256)
            fresh.append(item)
    return fresh, duplicates, recovered, left


def _original(rows: list) -> Original | None:
    """The file that duplicates repeat: the first one taken in with that content (None when it is
    in this very run: `_with_originals` fills it in once that file is read)."""
    first = next((r for r in rows if r["status"] != "duplicate"), None)
    if first is None:
        return None
    return Original(first["inbox_path"], first["status"], first["unit"], first["form"],
                    first["period"], first["received_at"])


def _with_originals(duplicates: list[_Planned], new: list[_Planned]) -> None:
    """A duplicate of a file of this same run shows that file's unit, form, period and time."""
    firsts = {p.item.sha256: p for p in reversed(new)}
    for p in duplicates:
        twin = firsts.get(p.item.sha256)
        if p.outcome.duplicate_of is None and twin is not None:
            sub = twin.submission
            original = Original(twin.item.relative, sub.status, sub.unit, sub.form, sub.period,
                                sub.received_at.isoformat(timespec="seconds"))
            p.outcome = replace(p.outcome, unit=sub.unit, form=sub.form, period=sub.period,
                                duplicate_of=original)


def _feedback_path(ws, item: Incoming, report: FileReport) -> Path:
    read = report.read
    folder = ws.outbox / "phan-hoi" / safe_part(read.unit.code if read.unit else "khong-ro-don-vi")
    ending = "-phan-hoi.xlsx"
    return folder / fit_name(f"{safe_part(Path(item.relative).stem)}{ending}", ending=ending)


def _plan_one(ctx: Context, ledger: Ledger, item: Incoming, report: FileReport, stored: Path,
              feedback_jobs: list[tuple], senders: dict[str, str | None]) -> _Planned:
    ws = ctx.workspace
    read = report.read
    late = late_for(report, ctx.config, item.received_at.date())
    note = None
    status = "accepted" if report.acceptable else "rejected"
    if not report.acceptable:
        checkpoint("note", item.path)
        note = write_note(stored, _feedback_text(item, report, _in_force_name(ledger, report),
                                                 senders.get(item.container or "")))
    feedback = None
    wanted = report.errors or (report.warnings and ctx.config.feedback_copies == "all")
    if wanted and read.form is not None:
        feedback = _feedback_path(ws, item, report)
        feedback_jobs.append((stored, report.issues, feedback, _feedback_intro(item, report),
                              report.read))
    values = {code: (value, *_position(read.cells.get(code)))
              for code, value in report.values.items()}
    sub = NewSubmission(
        item.sha256, _name(item), item.relative, str(stored), item.received_at, status,
        read.unit.code if read.unit else None, read.form.code if read.form else None,
        read.period.code if read.period else None, values, report.issues,
        instance=report.instance, items=report.items, container_sha256=item.container)
    return _Planned(item, sub, outcome_of(report, item.relative, item.sha256, status, late, stored,
                                          note, feedback))


def _plan_fresh(ctx: Context, ledger: Ledger, fresh: list[Incoming], now: datetime,
                clock: datetime, workers: Workers, timings: dict[str, float],
                progress: Callable[[int, int], None] | None = None,
                senders: dict[str, str | None] | None = None
                ) -> tuple[list[_Planned], list[FileOutcome]]:
    if not fresh:
        return [], []
    ws = ctx.workspace
    stopwatch = Stopwatch(timings)
    if ctx.config.received_time == "arrival":
        fresh = [replace(item, received_at=now) for item in fresh]
    # A file saved after the run's clock (a wrong clock on the unit's machine) counts as received
    # at the run's clock, with a warning: never left out of the round.
    saved_later = {item.relative: item.received_at for item in fresh if item.received_at > clock}
    fresh = [replace(item, received_at=clock) if item.relative in saved_later else item
             for item in fresh]
    # While the workers read, this process checks each chunk against the plan and the rules (all
    # that decides accept or reject) and copies the files out; warnings come after, batch-wide.
    below, hist, lv = ctx.units, history(ledger, ctx.config), levels(ctx)
    reports, copies = [], []
    pending: list[FileReport] = []
    with ThreadPoolExecutor(COPY_THREADS) as pool:
        def settle(chunk: list[FileReport]) -> None:
            def validate(batch: list[FileReport]) -> None:
                for report in batch:
                    checkpoint("validate", report.read.path)
                validate_reports(batch, ctx.config, hist, lv, below, judgment=False)

            isolated(validate, chunk, "kiểm tra")
            jobs = []
            for report in chunk:
                item = fresh[len(reports)]
                reports.append(report)
                r = report.read
                jobs.append((item, ws.archive / r.form.code / r.period.code / safe_part(r.unit.code)
                             if report.acceptable else ws.rejected))
            copies.append(pool.submit(store_all, jobs))  # one task per chunk, not per file

        paths = [item.path for item in fresh]
        for done, report in enumerate(read_all(workers, paths), start=1):
            if progress is not None:
                progress(done, len(fresh))
            pending.append(report)
            if len(pending) >= CHUNK:
                settle(pending)
                pending = []
        settle(pending)
        stopwatch.lap("read")
        isolated(lambda batch: judge(batch, hist, lv), reports, "so sánh số liệu", "warning")
        stopwatch.lap("validate")
        stored_paths = [path for future in copies for path in future.result()]
    planned, left, feedback_jobs = [], [], []
    for item, report, stored in zip(fresh, reports, stored_paths):
        if item.relative in saved_later:
            report.issues.append(_saved_late_issue(saved_later[item.relative], clock))
        if isinstance(stored, str):
            left.append(waiting(item, stored))
            continue
        jobs_before = len(feedback_jobs)
        try:
            planned.append(_plan_one(ctx, ledger, item, report, stored, feedback_jobs,
                                     senders or {}))
        except Exception:
            del feedback_jobs[jobs_before:]
            left.append(waiting(item, NOTE_FAILED if not report.acceptable else PLAN_FAILED))
    stopwatch.lap("archive")
    try:
        annotated = workers.map_small(feedback_job, feedback_jobs)
    except Exception:  # a worker died: one at a time here, each failing only itself
        annotated = [feedback_job(job) for job in feedback_jobs]
    written = dict(zip([job[2] for job in feedback_jobs], annotated))
    for p in planned:  # the annotated copy may have taken the original's suffix (.xlsm)
        if p.outcome.feedback is not None:
            copy = written[p.outcome.feedback]
            if copy is None:
                issue = make_issue("feedback-copy-failed")
                p.submission.issues.append(issue)
                p.outcome = replace(p.outcome, warnings=[*p.outcome.warnings, issue])
            p.outcome = replace(p.outcome, feedback=copy)
    stopwatch.lap("feedback")
    return planned, left


def _record(ledger: Ledger, run_id: int, planned: list[_Planned]
            ) -> tuple[list[tuple[int, _Planned]], list[FileOutcome]]:
    """One transaction for the batch; if it fails, one per file, so only a file that cannot be
    recorded waits for the next run."""
    try:
        ids = ledger.record_many(run_id, [p.submission for p in planned], checkpoint)
        return list(zip(ids, planned)), []
    except Exception:
        pass
    recorded, left, failed = [], [], set()
    for p in planned:  # new files first: a copy of one that failed waits with it
        if p.submission.status == "duplicate" and p.item.sha256 in failed:
            left.append(waiting(p.item, TWIN_WAITING))
            continue
        try:
            [sid] = ledger.record_many(run_id, [p.submission], checkpoint)
            recorded.append((sid, p))
        except Exception:
            failed.add(p.item.sha256)
            left.append(waiting(p.item, RECORD_FAILED))
    return recorded, left


def run_clock(zone: ZoneInfo, as_of: date | None) -> datetime:
    """The run's clock: the end of the `--as-of` day when given, else now — in the plan's zone."""
    if as_of is not None:
        return datetime.combine(as_of, datetime.max.time()).replace(microsecond=0)
    return datetime.now(zone).replace(tzinfo=None, microsecond=0)


@dataclass
class Intake:
    """What ingestion did: one outcome per inbox entry, and the release bookkeeping."""

    files: list[FileOutcome]
    recovered: int  # files a killed run had recorded; this run released them
    unsettled: list[str]  # left waiting for the next run
    overwritten: list[str]  # rewritten in place after being kept: the new content waits


def _warn_older_than_in_force(ledger: Ledger, recorded: list[tuple[int, _Planned]]) -> None:
    """An accepted file saved before the version in force does not replace it (the newest save
    wins): say so on the file, never silently (a correction saved on a PC whose clock was behind
    would otherwise be left out without a word)."""
    older = ledger.kept_in_force_over([sid for sid, p in recorded if p.outcome.status == "accepted"])
    for sid, p in recorded:
        if sid in older:
            name, received = older[sid]
            issue = make_issue("file-older-than-in-force", name=name,
                               received=date_time(datetime.fromisoformat(received)),
                               saved=date_time(p.item.received_at))
            p.outcome = replace(p.outcome, warnings=[*p.outcome.warnings, issue])


STAGING = ".hop-thu"  # members of e-mails and zips, between extraction and the archive


def _with_provenance(outcome: FileOutcome, containers: list[Container]) -> FileOutcome:
    """A member's outcome carries its container's received time, its source and the sender."""
    for c in containers:
        if outcome.name.startswith(c.item.relative + SEPARATOR):
            return replace(outcome, received=c.item.received_at.isoformat(timespec="seconds"),
                           received_from=c.received_from, sender=c.sender)
    return outcome


def _refusal_text(c: Container) -> str:
    lines = ["PHẢN HỒI VỀ THƯ/TỆP NÉN", "", f"Tệp: {c.item.relative}"]
    if c.sender:
        lines.append(f"Gửi qua thư điện tử: trả lời về địa chỉ {c.sender}")
    lines += ["", make_issue("container-refused", reason=c.refused).message]
    return "\n".join(lines) + "\n"


def _finish_containers(ctx: Context, ledger: Ledger, run_id: int, containers: list[Container],
                       settled: dict[str, int], left: list[FileOutcome]) -> list[FileOutcome]:
    """Archive, record and release each container whose members are all recorded (one still
    waiting keeps the container in the inbox); a refused container is kept in rejected/. Each
    container fails only itself."""
    waiting_names = {o.name for o in left if o.status == "waiting"}
    outcomes = []
    for c in containers:
        prefix = c.item.relative + SEPARATOR
        if any(name.startswith(prefix) for name in waiting_names):
            continue  # taken up again by the next run
        status, reason = "archived", None
        if c.refused:
            status, reason = "rejected", c.refused
        elif not c.members:
            status, reason = "ignored", NO_FORMS
        sid = settled.get(c.item.sha256)
        if sid is not None:  # archived and recorded by an earlier run: only the release is left
            why = release_or_reason(c.item)
            if why is None:
                ledger.mark_container_released(sid)
            else:
                outcomes.append(waiting(c.item, RECOVERED.format(why=why)))
            continue
        try:
            stored = store_or_reason(c.item, ctx.workspace.rejected if c.refused
                                     else ctx.workspace.archive / "thu-goc")
            if isinstance(stored, str):
                outcomes.append(waiting(c.item, stored))
                continue
            note = write_note(stored, _refusal_text(c)) if c.refused else None
            sync_barrier([stored])
            sid = ledger.record_container(
                run_id, c.item.sha256, c.kind, c.item.relative, str(stored),
                c.item.received_at, c.received_from, c.sender, c.subject, c.message_id,
                status, reason)
        except Exception:
            outcomes.append(waiting(c.item, RECORD_FAILED))
            continue
        why = release_or_reason(c.item)
        if why is None:
            ledger.mark_container_released(sid)
        elif status == "archived":
            outcomes.append(waiting(c.item, RECOVERED.format(why=why)))
        if c.refused:  # an error on the container, like a rejected file's
            outcomes.append(FileOutcome(c.item.relative, c.item.sha256, status, None, None, None,
                                        None, [make_issue("container-refused", reason=reason)],
                                        [], stored=stored, note=note, reason=why))
        elif status == "ignored":
            outcomes.append(FileOutcome(c.item.relative, c.item.sha256, status, None, None, None,
                                        None, [], [], stored=stored,
                                        reason=reason if why is None else f"{reason}; {why}"))
    return outcomes


def ingest(ctx: Context, ledger: Ledger, run_id: int, workers: Workers,
           timings: dict[str, float], progress: Callable[[int, int], None] | None = None,
           as_of: date | None = None) -> Intake:
    """Keep every new file; every inbox entry ends with an outcome (ignored and waiting ones with
    their reason). `as_of` is the run's `--as-of` day, when given."""
    stopwatch = Stopwatch(timings)
    zone = ctx.config.zone
    scan = scan_inbox(ctx.workspace.inbox, ctx.config.settle_seconds, zone)
    boxes = [i.sha256 for i in scan.files if Path(i.relative).suffix.lower() in CONTAINER_SUFFIXES]
    settled, redropped = ledger.unreleased_containers(boxes), ledger.released_containers(boxes)
    scan, containers = expand(scan, ctx.workspace.archive / STAGING, zone,
                              ctx.config.max_file_mb << 20, ctx.config.max_unzipped_mb << 20,
                              set(settled))
    senders = {c.item.sha256: c.sender for c in containers}
    stopwatch.lap("scan")
    fresh, duplicates, recovered, left = _plan_known(ctx, ledger, scan, redropped)
    now = run_clock(zone, None)
    new, failed = _plan_fresh(ctx, ledger, fresh, now, run_clock(zone, as_of), workers, timings,
                              progress, senders)
    _with_originals(duplicates, new)
    held = {f.sha256 for f in failed}  # a copy of a file left waiting waits with it
    left += failed + [waiting(p.item, TWIN_WAITING) for p in duplicates if p.item.sha256 in held]
    planned = new + [p for p in duplicates if p.item.sha256 not in held]
    stopwatch.reset()
    sync_barrier([Path(p.submission.stored_path) for p in planned])
    stopwatch.lap("sync")
    recorded, failed = _record(ledger, run_id, planned)
    left += failed
    _warn_older_than_in_force(ledger, recorded)
    stopwatch.lap("ledger")
    done, outcomes, overwritten = [], [], []
    for sid, p in recorded:
        why = release_or_reason(p.item)
        if why is None:
            done.append(sid)
        else:
            p.outcome = replace(p.outcome, reason=why)
            if why == REWRITTEN:
                overwritten.append(p.item.relative)
        outcomes.append(p.outcome)
    finished = 0
    for item, sid in recovered:
        why = release_or_reason(item)
        if why is None:
            done.append(sid)
            finished += 1
        else:
            left.append(waiting(item, RECOVERED.format(why=why)))
    ledger.mark_released(done)
    left += _finish_containers(ctx, ledger, run_id, containers, settled, left)
    outcomes = [_with_provenance(o, containers) for o in outcomes]
    left = [_with_provenance(o, containers) for o in left]
    stopwatch.lap("release")
    skipped = [FileOutcome(s.relative, None, s.status, None, None, None, None, [], [],
                           reason=s.reason) for s in scan.skipped]
    left += skipped
    return Intake(outcomes + left, finished,
                  [f.name for f in left if f.status == "waiting"], overwritten)
