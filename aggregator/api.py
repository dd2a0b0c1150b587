"""The verbs — templates, check, run, status, report, demo — wiring the stages together.

intake → read → validate → ledger → consolidate → render. The CLI only formats what these return.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from aggregator.config import Config, ConfigError, RoundConfig, load_config
from aggregator.consolidate import RoundResult, consolidate_round
from aggregator.forms import FormRegistry
from aggregator.faults import checkpoint
from aggregator.intake import (
    Incoming,
    Scan,
    release,
    safe_part,
    scan_inbox,
    sha256_of,
    store,
    sync_barrier,
    write_note,
)
from aggregator.ledger import Ledger, NewSubmission
from aggregator.read import read_file
from aggregator.render.feedback import write_feedback
from aggregator.render.form_template import write_form_template
from aggregator.render.reports import render_reminder, render_round
from aggregator.render.vn import vn_short_date
from aggregator.results import FileOutcome, HistoryEntry, RoundOutcome, RunResult, UnitRow
from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry, UnitsError
from aggregator.validate.judgment import History
from aggregator.validate.report import FileReport
from aggregator.validate.validator import validate_batch
from aggregator.workspace import Workspace


class WorkspaceLocked(RuntimeError):
    """Another run holds the workspace lock."""


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    config: Config
    units: UnitRegistry
    forms: FormRegistry


def open_context(root: Path) -> Context:
    ws = Workspace(root)
    config = load_config(root)
    units = UnitRegistry.from_csv(config.units_file or DEFAULT_UNITS_FILE)
    if units.get(config.owner) is None:
        raise ConfigError(f"Đơn vị tổng hợp “{config.owner}” (owner) không có trong danh mục đơn vị.")
    forms = FormRegistry.default(ws.forms_dir)
    return Context(ws, config, units, forms)


# templates ------------------------------------------------------------------------------------
def make_templates(root: Path, form: str | None = None, period: str | None = None,
                   per_unit: bool = True) -> list[Path]:
    """Blank forms per round, and one pre-filled per expected unit, into outbox/bieu-mau/<period>/."""
    ctx = open_context(root)
    out = []
    for round_ in ctx.config.rounds:
        if (form and round_.form != form.upper()) or (period and round_.period != period):
            continue
        spec = ctx.forms[round_.form]
        folder = ctx.workspace.outbox / "bieu-mau" / round_.parsed_period.code
        expected = ctx.units.expected(round_.submitters, round_.deadline, ctx.config.owner)
        choices = expected or [u for u in ctx.units.units
                               if u.level != "province" and u.valid_on(round_.deadline)]
        out.append(write_form_template(folder / f"{spec.code}-{round_.parsed_period.code}.xlsx",
                                       spec, ctx.config, round_, unit_choices=choices))
        if per_unit:
            for unit in expected:
                name = f"{spec.code}-{round_.parsed_period.code}-{safe_part(unit.code)}.xlsx"
                out.append(write_form_template(folder / "theo-don-vi" / name, spec, ctx.config,
                                               round_, unit, unit_choices=choices))
    return out


# check ----------------------------------------------------------------------------------------
def _late(report: FileReport, config: Config, received: date) -> bool | None:
    read = report.read
    if read.form is None or read.period is None:
        return None
    round_ = config.round_for(read.form.code, read.period)
    return None if round_ is None else received >= round_.late_from


def _outcome(report: FileReport, name: str, sha: str, status: str, late: bool | None,
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


def check_files(root: Path, files: list[Path]) -> list[FileOutcome]:
    """Validate files without ingesting them: nothing is copied, moved or recorded."""
    ctx = open_context(root)
    reads = [read_file(f, ctx.forms, ctx.units, ctx.config.limits) for f in files]
    outcomes = []
    history = History()
    if ctx.workspace.ledger.exists():
        with Ledger(ctx.workspace.ledger) as ledger:
            history = _history(ledger, ctx.config)
    for f, report in zip(files, validate_batch(reads, ctx.config, history, _levels(ctx), ctx.units)):
        outcomes.append(_outcome(report, str(f), sha256_of(f),
                                 "valid" if report.acceptable else "invalid", None))
    return outcomes


# run ------------------------------------------------------------------------------------------
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


def _levels(ctx: Context) -> dict[str, str]:
    return {u.code: u.level for u in ctx.units.units}


def _history(ledger: Ledger, config: Config) -> History:
    """In-force numeric values per round, for the warnings that compare with what came before."""
    frames = {}
    for round_ in config.rounds:
        long = ledger.in_force_values(round_.form, round_.parsed_period.code)
        long = long[long["number"].notna()]
        if not long.empty:
            frames[(round_.form, round_.parsed_period.code)] = long.pivot_table(
                index="unit", columns="indicator", values="number", aggfunc="sum")
    return History(frames)


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
    for item in scan.files:
        known = ledger.find_sha(item.sha256)
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


def _plan_fresh(ctx: Context, ledger: Ledger, fresh: list[Incoming], now: datetime
                ) -> list[_Planned]:
    ws = ctx.workspace
    limits = ctx.config.limits
    reads = [read_file(item.path, ctx.forms, ctx.units, limits) for item in fresh]
    reports = validate_batch(reads, ctx.config, _history(ledger, ctx.config), _levels(ctx),
                             ctx.units)
    planned = []
    for item, report in zip(fresh, reports):
        checkpoint("before-copy")
        if ctx.config.received_time == "arrival":
            item = replace(item, received_at=now)
        read = report.read
        late = _late(report, ctx.config, item.received_at.date())
        note = None
        if report.acceptable:
            folder = ws.archive / read.form.code / read.period.code / safe_part(read.unit.code)
            stored, status = store(item, folder), "accepted"
        else:
            stored, status = store(item, ws.rejected), "rejected"
            note = write_note(stored, _feedback_text(item, report, _in_force_name(ledger, report)))
        checkpoint("after-copy")
        feedback = None
        if report.issues and read.form is not None:
            feedback = write_feedback(
                stored, report.issues,
                ws.outbox / "phan-hoi" / safe_part(read.unit.code if read.unit else "khong-ro-don-vi")
                / f"{Path(item.relative).stem}-phan-hoi.xlsx",
                _feedback_intro(item, report))
        values = {code: (value, *_position(read.cells.get(code)))
                  for code, value in report.values.items()}
        sub = NewSubmission(
            item.sha256, item.path.name, item.relative, str(stored), item.received_at, status,
            read.unit.code if read.unit else None, read.form.code if read.form else None,
            read.period.code if read.period else None, values, report.issues,
            instance=report.instance, items=report.items)
        planned.append(_Planned(item, sub, _outcome(report, item.relative, item.sha256, status,
                                                    late, stored, note, feedback)))
    return planned


def _ingest(ctx: Context, ledger: Ledger, run_id: int) -> tuple[list[FileOutcome], int, list[str]]:
    """Keep every new file: copy and verify → one sync barrier → one ledger transaction → release.

    A run killed anywhere leaves each file either still in the inbox (and the next run redoes it:
    copies are idempotent, the ledger transaction all-or-nothing) or recorded and archived (and the
    next run only finishes releasing it).
    """
    scan = scan_inbox(ctx.workspace.inbox, ctx.config.settle_seconds)
    fresh, duplicates, recovered = _plan_known(ctx, ledger, scan)
    planned = duplicates + _plan_fresh(ctx, ledger, fresh, datetime.now().replace(microsecond=0))
    sync_barrier([Path(p.submission.stored_path) for p in planned])
    ids = ledger.record_many(run_id, [p.submission for p in planned], checkpoint)
    done = []
    for sid, (item, _) in zip(ids, [(p.item, None) for p in planned]):
        checkpoint("before-release")
        if release(item):
            done.append(sid)
    for item, sid in recovered:
        if release(item):
            done.append(sid)
    ledger.mark_released(done)
    return [p.outcome for p in planned], len(recovered), scan.unsettled


def _consolidate(ctx: Context, ledger: Ledger, round_: RoundConfig, as_of: date) -> RoundResult:
    period = round_.parsed_period.code
    subs = ledger.submissions(round_.form, period)
    values = ledger.in_force_values(round_.form, period)
    issues = ledger.issues_for([int(i) for i in subs["id"]])
    items = ledger.in_force_items(round_.form, period)
    return consolidate_round(round_, ctx.forms[round_.form], ctx.units, subs, values, issues, as_of,
                             items, ctx.config.owner)


def _round_outcome(result: RoundResult, outputs: list[Path]) -> RoundOutcome:
    return RoundOutcome(
        form=result.form.code,
        period=result.period.code,
        period_label=result.period.label,
        deadline=vn_short_date(result.round.deadline),
        expected=result.expected,
        submitted=result.submitted,
        on_time=result.count("on_time"),
        late=result.count("late"),
        missing=[u.code for u in result.units_with("missing")],
        rejected=[u.code for u in result.units_with("rejected")],
        late_units=[u.code for u in result.units_with("late")],
        totals=result.totals,
        derived=result.derived,
        outputs=outputs,
        units=[UnitRow(s.unit.code, s.unit.name, s.status,
                       s.received_at.isoformat(timespec="minutes") if s.received_at else None, s.file)
               for s in result.statuses],
        groups=[c.to_dict() for c in result.by_group],
        parents=[c.to_dict() for c in result.by_parent],
    )


def _rounds(ctx: Context, ledger: Ledger, as_of: date, render: bool,
            only: tuple[str | None, str | None] = (None, None)) -> tuple[list[RoundOutcome],
                                                                        Path | None]:
    form, period = only
    chosen = [r for r in ctx.config.rounds
              if not (form and r.form != form.upper())
              and not (period and r.parsed_period.code != period)]
    results = [_consolidate(ctx, ledger, r, as_of) for r in chosen]
    outbox, template = ctx.workspace.outbox, ctx.workspace.report_template
    out = [_round_outcome(r, render_round(r, results, ctx.config, as_of, outbox, template)
                          if render else []) for r in results]
    reminder = render_reminder(results, ctx.config, as_of, outbox, template) if render else None
    return out, reminder


def _locked(ws: Workspace) -> FileLock:
    lock = FileLock(str(ws.lock), timeout=0)
    try:
        lock.acquire()
    except Timeout as exc:
        raise WorkspaceLocked(
            f"Một phiên tổng hợp khác đang chạy trên thư mục {ws.root} (khóa {ws.lock.name}). "
            "Hãy đợi phiên đó kết thúc rồi chạy lại."
        ) from exc
    return lock


def run(root: Path, as_of: date | None = None) -> RunResult:
    """The monthly job: ingest everything new in the inbox, consolidate every round, render."""
    as_of = as_of or date.today()
    ctx = open_context(root)
    ws = ctx.workspace.ensure()
    lock = _locked(ws)
    try:
        with Ledger(ws.ledger) as ledger:
            run_id = ledger.start_run(as_of.isoformat())
            files, recovered, unsettled = _ingest(ctx, ledger, run_id)
            rounds, reminder = _rounds(ctx, ledger, as_of, render=True)
            ledger.finish_run(run_id, len(files),
                              sum(f.status == "accepted" for f in files),
                              sum(f.status == "rejected" for f in files),
                              sum(f.status == "duplicate" for f in files))
    finally:
        lock.release()
    return RunResult(ws.root, as_of.isoformat(), files, rounds, recovered, unsettled, reminder)


def _read_ledger(ctx: Context) -> Ledger:
    """The workspace ledger, or an empty one in memory when nothing was ever run here."""
    return Ledger(ctx.workspace.ledger if ctx.workspace.ledger.exists() else ":memory:")


def status(root: Path, as_of: date | None = None, form: str | None = None,
           period: str | None = None) -> RunResult:
    """Where every round stands, from the ledger alone (nothing ingested, nothing written)."""
    as_of = as_of or date.today()
    ctx = open_context(root)
    with _read_ledger(ctx) as ledger:
        rounds, _ = _rounds(ctx, ledger, as_of, render=False, only=(form, period))
    return RunResult(root, as_of.isoformat(), [], rounds)


def history(root: Path, unit: str) -> list[HistoryEntry]:
    """Every file a unit ever sent, oldest first, and which version of each report is in force."""
    ctx = open_context(root)
    found = ctx.units.get(unit)
    if found is None:
        raise UnitsError(f"Mã đơn vị “{unit}” không có trong danh mục.")
    with _read_ledger(ctx) as ledger:
        rows = ledger.history(found.code)
    names = {r["id"]: r["original_name"] for r in rows}
    return [HistoryEntry(
        received_at=r["received_at"], processed_at=r["processed_at"], file=r["inbox_path"],
        form=r["form"], period=r["period"], instance=r["instance"], status=r["status"],
        in_force=r["status"] == "accepted" and r["superseded_by"] is None,
        superseded_by=names.get(r["superseded_by"]), errors=r["errors"], warnings=r["warnings"],
    ) for r in rows]


def report(root: Path, as_of: date | None = None) -> RunResult:
    """Re-render the summaries and Word reports from the ledger."""
    as_of = as_of or date.today()
    ctx = open_context(root)
    ws = ctx.workspace.ensure()
    lock = _locked(ws)
    try:
        with Ledger(ws.ledger) as ledger:
            rounds, reminder = _rounds(ctx, ledger, as_of, render=True)
        return RunResult(root, as_of.isoformat(), [], rounds, reminder=reminder)
    finally:
        lock.release()


def demo(root: Path, as_of: date | None = None) -> RunResult:
    """Build the synthetic province in `root` (a demo folder is rebuilt from scratch) and run."""
    from aggregator.demo import DEMO_AS_OF, prepare_demo

    prepare_demo(root)
    return run(root, as_of or DEMO_AS_OF)


class ExportError(ValueError):
    """The export cannot be made; the message is for the user (Vietnamese)."""


def export(root: Path, unit: str, form: str, period: str, as_of: date | None = None) -> Path:
    """A unit's consolidated values — its own report and everything below it — as a filled form
    that the level above ingests like any unit's file (a district forwarding its communes)."""
    from aggregator.consolidate import recompute_totals
    from aggregator.periods import parse_period
    from aggregator.render.export_form import export_values

    as_of = as_of or date.today()
    ctx = open_context(root)
    target = ctx.units.get(unit)
    parsed = parse_period(period)
    spec = ctx.forms.get(form)
    if target is None:
        raise UnitsError(f"Mã đơn vị “{unit}” không có trong danh mục.")
    if spec is None or parsed is None or (round_ := ctx.config.round_for(spec.code, parsed)) is None:
        raise ExportError(f"Không có kỳ báo cáo {form} {period} trong cấu hình.")
    if spec.instance_key:
        raise ExportError(f"Biểu {spec.code} ghi từng cuộc kiểm tra, không tổng hợp để gửi lên được.")
    with _read_ledger(ctx) as ledger:
        result = _consolidate(ctx, ledger, round_, as_of)
    subtree = ctx.units.descendants(target.code) | {target.code}
    frame = recompute_totals(spec, result.per_unit[result.per_unit.index.isin(subtree)])
    if frame.empty and result.items.empty:
        raise ExportError(f"Chưa có báo cáo nào của {target.name} hoặc đơn vị trực thuộc "
                          f"cho biểu {spec.code} kỳ {parsed.label}.")
    out = ctx.workspace.outbox / "xuat-ban" / f"{spec.code}-{parsed.code}-{safe_part(target.code)}.xlsx"
    return export_values(out, spec, ctx.config, round_, target, frame, result, subtree)
