"""The verbs — templates, check, run, status, report, history, export, demo, units import — wiring
the stages.

intake → read → validate → ledger → consolidate → render. The CLI only formats what these return.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from aggregator import __version__
from aggregator.consolidate import RoundResult, consolidate_round
from aggregator.intake import safe_part, sha256_of
from aggregator.ledger import Ledger
from aggregator.os_errors import Interrupted
from aggregator.pipeline import runlog
from aggregator.pipeline.context import Context, open_context
from aggregator.pipeline.ingest import history as ledger_history
from aggregator.pipeline.ingest import ingest, outcome_of, run_clock
from aggregator.pipeline.timing import Stopwatch
from aggregator.render.forms.template import write_form_template
from aggregator.render.output_guard import OutputGuard
from aggregator.render.reports import render_all
from aggregator.render.safe_write import write_text_replacing
from aggregator.results import (
    ExportResult,
    FileOutcome,
    HistoryEntry,
    OutputProgress,
    RoundOutcome,
    RunResult,
    UnitRow,
    UnitsImport,
)
from aggregator.units import UnitRegistry, UnitsError, gso
from aggregator.units.carried import with_carried
from aggregator.units.restructure import restructure
from aggregator.units.sheet import write_units
from aggregator.validate.validator import trust_carried, validate_reports
from aggregator.vn_format import short_date as vn_short_date
from aggregator.workspace import Workspace
from aggregator.workspace.config import Config, ConfigError, RoundConfig
from aggregator.workspace.settings import CONFIG_FILE, shipped_templates_dir

__all__ = ["Context", "Ledger", "open_context"]  # re-exported for scripts and tests
RENDER_STATE = ".trang-thai-bao-cao.json"
READING_MARKER = ".dang-doc-tep.txt"  # a small batch being read in the run's own process
STATE_NOT_SAVED = ("Không ghi được {name} trong outbox (tệp đang mở hoặc không được phép ghi): lần chạy "
                   "sau sẽ lập lại mọi báo cáo và không nhận ra được báo cáo nào đã được sửa tay.")


class WorkspaceLocked(RuntimeError):
    """Another run holds the workspace lock."""


# templates ------------------------------------------------------------------------------------
def make_templates(root: Path, form: str | None = None, period: str | None = None,
                   per_unit: bool = True) -> list[Path]:
    """Blank forms per round, and one pre-filled per expected unit, into outbox/bieu-mau/<period>/."""
    ctx = open_context(root)
    wanted = [r for r in ctx.config.rounds if (not form or r.form == form.strip().upper())
              and (not period or r.period == period.strip().upper())]
    if not wanted:
        asked = " ".join(x for x in (form, period) if x)
        planned = ", ".join(f"{r.form} {r.period}" for r in ctx.config.rounds) or "(chưa có)"
        raise ConfigError(f"Kế hoạch không có kỳ báo cáo nào khớp “{asked}”. Các kỳ trong kế "
                          f"hoạch: {planned}.")
    with _workspace_locked(ctx.workspace):  # a run reading the outbox meanwhile sees whole files
        return _templates(ctx, wanted, per_unit)


def _templates(ctx: Context, rounds: list[RoundConfig], per_unit: bool) -> list[Path]:
    out = []
    for round_ in rounds:
        spec = ctx.forms[round_.form]
        folder = ctx.workspace.outbox / "bieu-mau" / round_.parsed_period.code
        expected = ctx.units.expected(round_.form, round_.submitters, round_.deadline,
                                     ctx.config.owner)
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
def with_carried_rounds(config: Config, carried: list[str | None]) -> Config:
    """The built-in plan, with the rounds the office's forms carry taking the place of its own
    for the same form and period (a new year's round, submitters the office changed). Only for
    `check` where there is no plan of the office's: `run` always follows the workspace's."""
    rounds = {(r.form, r.period): r for r in config.rounds}
    for text in dict.fromkeys(t for t in carried if t):
        try:
            r = RoundConfig.model_validate_json(text)
            r.parsed_period  # noqa: B018 (a period the plan could not hold is no round)
        except (ValueError, ConfigError):
            continue  # edited by hand or unreadable: the built-in plan decides
        rounds[r.form, r.period] = r
    return config.model_copy(update={"rounds": tuple(rounds.values())})


def check_files(root: Path, files: list[Path]) -> list[FileOutcome]:
    """Validate files without ingesting them: nothing is copied, moved or recorded.

    Where the unit list is the built-in one (no workspace, or a workspace without its own list:
    a unit checking its file before sending), a unit code that list lacks is taken with the
    identity the office's form carries in its hidden sheets; the outcome says so (`units_from`).
    A workspace's own list is never overridden: `check` there judges as `run` will."""
    ctx = open_context(root)
    with ctx.workers() as workers:
        checked = workers.read(files)
    config = ctx.config
    if not (ctx.workspace.root / CONFIG_FILE).exists():  # no plan of the office's own here
        config = with_carried_rounds(config, [r.read.carried_round for r in checked])
    units, sources = ctx.units, ["workspace" if ctx.config.units_file else "built-in"] * len(files)
    if ctx.config.units_file is None:
        units = with_carried(units, [u for r in checked for u in r.read.carried])
        sources = ["form" if trust_carried(r, units) else s for r, s in zip(checked, sources)]
    with _read_ledger(ctx) as ledger:  # open while judging: its rounds are read when asked for
        reports = validate_reports(checked, config, ledger_history(ledger, config),
                                   {u.code: u.level for u in units.units}, units)
    return [replace(outcome_of(report, str(f), sha256_of(f),
                               "valid" if report.acceptable else "invalid", None), units_from=s)
            for f, report, s in zip(files, reports, sources)]


# run ------------------------------------------------------------------------------------------
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


def _contents(paths: list[Path]) -> list[str]:
    return [f"{p.name}:{hashlib.sha256(p.read_bytes()).hexdigest()}" for p in paths if p.is_file()]


def _setting(ctx: Context, as_of: date) -> str:
    """What the outputs depend on but the ledger's submissions: the day, configuration, the unit
    list, the form definitions (shipped and the workspace's) and the Word templates, by content."""
    parts = [__version__, as_of.isoformat(), ctx.config.model_dump_json()]
    parts += _contents([ctx.units_file])
    shipped = shipped_templates_dir()
    folders = {"shipped forms": shipped / "forms", "shipped reports": shipped / "reports",
               "forms": ctx.workspace.forms_dir, "reports": ctx.workspace.reports_dir}
    for label, folder in folders.items():
        if folder.is_dir():
            parts += [label, *_contents(sorted(folder.iterdir()))]
    return "|".join(parts)


def _round_keys(ctx: Context, ledger: Ledger, setting: str) -> dict[str, str]:
    """Per round ('FORM:PERIOD'), what its outputs depend on: the setting and the submissions of
    every round of its year and the year before (an annual report cites that year's inspections,
    CCHC compares with the year before)."""
    versions = {(r.form, r.parsed_period.code, r.parsed_period.year):
                ledger.round_version(r.form, r.parsed_period.code) for r in ctx.config.rounds}
    keys = {}
    for form, period, year in versions:
        near = [f"{f}:{p}={v}" for (f, p, y), v in sorted(versions.items())
                if y in (year, year - 1)]
        keys[f"{form}:{period}"] = hashlib.sha256("|".join([setting, *near]).encode()).hexdigest()
    return keys


def _unchanged_rounds(state: dict, keys: dict[str, str], guard: OutputGuard
                      ) -> dict[str, list[Path]]:
    """Round → its outputs, for rounds whose key is the one their outputs on disk were written
    under, every output still exactly as written: those are not written again."""
    try:
        before = {f"{r.form}:{r.period}": r.outputs
                  for r in (RoundOutcome.from_dict(d) for d in state.get("rounds", []))}
        written = dict(state.get("round_keys") or {})
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    return {name: before[name] for name, key in keys.items()
            if written.get(name) == key and name in before and before[name]
            and guard.unchanged(before[name])}


def _render_state(state_file: Path) -> dict:
    try:
        state = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # no usable state: render everything
    return state if isinstance(state, dict) else {}


def _reused(state: dict, fingerprint: str,
            guard: OutputGuard) -> tuple[list[RoundOutcome], Path | None] | None:
    """The last outcome, when nothing the outputs depend on changed and every output is on disk
    exactly as written (one deleted or edited since is rendered again)."""
    if state.get("fingerprint") != fingerprint:
        return None
    try:
        rounds = [RoundOutcome.from_dict(d) for d in state["rounds"]]
        reminder = Path(state["reminder"]) if state["reminder"] else None
    except (KeyError, TypeError, ValueError):
        return None
    paths = [p for r in rounds for p in r.outputs] + ([reminder] if reminder else [])
    return (rounds, reminder) if guard.unchanged(paths) else None


def _rounds(ctx: Context, ledger: Ledger, as_of: date, render: bool,
            only: tuple[str | None, str | None] = (None, None), workers=None,
            timings: dict[str, float] | None = None, notices: list[str] | None = None,
            force: bool = False, rendering: OutputProgress | None = None
            ) -> tuple[list[RoundOutcome], Path | None]:
    """Consolidate the rounds; with `render`, write their outputs — unless nothing they depend on
    changed since the outputs on disk were written (a re-run with nothing new reuses them), or
    `force`. What rendering had to keep instead of overwriting is added to `notices`."""
    clock = Stopwatch(timings if timings is not None else {})
    form, period = only
    chosen = [r for r in ctx.config.rounds
              if not (form and r.form != form.upper())
              and not (period and r.parsed_period.code != period)]
    if render:
        state_file = ctx.workspace.outbox / RENDER_STATE
        state = _render_state(state_file)
        guard = OutputGuard(ctx.workspace.outbox, state.get("written"))
        setting = _setting(ctx, as_of)
        fingerprint = hashlib.sha256(f"{setting}|{ledger.data_version()!r}".encode()).hexdigest()
        if not force and (reused := _reused(state, fingerprint, guard)) is not None:
            return reused
    results = [_consolidate(ctx, ledger, r, as_of) for r in chosen]
    clock.lap("consolidate")
    if not render:
        return [_round_outcome(r, []) for r in results], None
    keys = _round_keys(ctx, ledger, setting)
    kept = {} if force else _unchanged_rounds(state, keys, guard)
    outputs = render_all(results, ctx.config, as_of, ctx.workspace.outbox,
                         ctx.workspace.report_template, workers, timings, guard, rendering,
                         set(kept))
    outputs |= kept
    clock.reset()
    rounds = [_round_outcome(r, outputs.get(f"{r.form.code}:{r.period.code}", [])) for r in results]
    reminder = next(iter(outputs.get("reminder", [])), None)
    try:
        write_text_replacing(state_file, json.dumps({
            "fingerprint": fingerprint, "rounds": [r.to_dict() for r in rounds],
            "round_keys": keys, "reminder": str(reminder) if reminder else None,
            "written": guard.to_dict()}, ensure_ascii=False))
    except OSError:
        guard.notices.append(STATE_NOT_SAVED.format(name=state_file.name))
    if notices is not None:
        notices += guard.notices
    return rounds, reminder


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


@contextmanager
def _workspace_locked(ws: Workspace) -> Iterator[None]:
    """For verbs that write into the workspace: refused, like a second run, while one holds it."""
    ws.root.mkdir(parents=True, exist_ok=True)
    lock = _locked(ws)
    try:
        yield
    finally:
        lock.release()


def run(root: Path, as_of: date | None = None,
        progress: Callable[[int, int], None] | None = None,
        rendering: OutputProgress | None = None) -> RunResult:
    """The monthly job: ingest everything new in the inbox, consolidate every round, render.

    `progress(done, total)` is called as the new files are read, `rendering(path, done, total)`
    before each output is written (see `render_all`). Every run, finished or failed, is appended
    to the workspace's log (nhat-ky-tong-hop.txt)."""
    started, clock = datetime.now(), time.perf_counter()
    try:
        result = _run(root, as_of, progress, rendering)
    except (Exception, KeyboardInterrupt, Interrupted) as exc:
        if root.is_dir():
            runlog.append(root / runlog.LOG_FILE, runlog.failure_lines(started, exc))
        raise
    runlog.append(root / runlog.LOG_FILE,
                  runlog.run_lines(result, started, time.perf_counter() - clock))
    return result


def _run(root: Path, given: date | None, progress: Callable[[int, int], None] | None,
         rendering: OutputProgress | None) -> RunResult:
    ctx = open_context(root)
    as_of = given or run_clock(ctx.config.zone, None).date()  # today in the plan's time zone
    ws = ctx.workspace.ensure()
    lock = _locked(ws)
    timings: dict[str, float] = {}
    notices: list[str] = []
    try:
        with Ledger(ws.ledger, keeps_tables=True) as ledger, \
                ctx.workers(crash_marker=ws.root / READING_MARKER) as workers:
            run_id = ledger.start_run(as_of.isoformat())
            taken = ingest(ctx, ledger, run_id, workers, timings, progress, given)
            files = taken.files
            rounds, reminder = _rounds(ctx, ledger, as_of, True, workers=workers, timings=timings,
                                       notices=notices, rendering=rendering)
            counts = [sum(f.status == s for f in files)
                      for s in ("accepted", "rejected", "duplicate")]
            ledger.finish_run(run_id, sum(counts), *counts)
    finally:
        lock.release()
    return RunResult(ws.root, as_of.isoformat(), files, rounds, taken.recovered, taken.unsettled,
                     reminder, timings, taken.overwritten, notices)


def import_units(root: Path, source: str, valid_from: date, province: str | None = None,
                 dry_run: bool = False) -> UnitsImport:
    """Bring a new administrative structure (GSO tables) into the workspace's unit list: what the
    structure no longer has ends the day before `valid_from`, what is new starts that day. The
    list as it was is kept next to it (don-vi.truoc-khi-nhap-<time>.xlsx)."""
    ctx = open_context(root)
    path = ctx.config.units_file
    if path is None:
        raise UnitsError("Thư mục làm việc chưa có danh mục đơn vị riêng: hãy chạy “aggregator "
                         "init” (tạo don-vi.xlsx) rồi nhập lại.")
    top = province or next((u.code for u in ctx.units.units if u.level == "province"
                            and u.code == ctx.config.owner), None)
    if top is None:
        raise UnitsError("Hãy cho biết tỉnh cần nhập (--province, ví dụ 19 hoặc “Thái Nguyên”).")
    divisions = gso.of_province(gso.load(source), top)
    changed = restructure(ctx.units, divisions[0].province, divisions, valid_from)
    backup = None
    if not dry_run:
        lock = _locked(ctx.workspace)  # a run reading the list meanwhile would see half a file
        try:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = path.with_name(f"{path.stem}.truoc-khi-nhap-{stamp}{path.suffix}")
            shutil.copy2(path, backup)
            registry = UnitRegistry(changed.units)
            if path.suffix.lower() == ".csv":
                registry.to_csv(path)
            else:
                write_units(registry, path)
        finally:
            lock.release()
    def pairs(units: list) -> list[tuple[str, str]]:
        return [(u.code, u.name) for u in units]

    return UnitsImport(path, backup, divisions[0].province, valid_from.isoformat(),
                       pairs(changed.added), pairs(changed.ended), pairs(changed.updated), dry_run)


def _read_ledger(ctx: Context) -> Ledger:
    """The workspace ledger, or an empty one in memory when nothing was ever run here."""
    return Ledger(ctx.workspace.ledger if ctx.workspace.ledger.exists() else ":memory:")


def _known_round(ctx: Context, form: str | None, period: str | None
                 ) -> tuple[str | None, str | None]:
    """The form and period asked for, as the configuration writes them ('ktcv', '2024-y' are
    KTCV, 2024-Y); a round the configuration does not have is refused, naming those it has."""
    from aggregator.periods import parse_period

    form = form.strip().upper() if form else None
    parsed = parse_period(period) if period else None
    code = parsed.code if parsed else period
    if any((not form or r.form == form) and (not code or r.parsed_period.code == code)
           for r in ctx.config.rounds):
        return form, code
    asked = " ".join(part for part in (form, period) if part)
    known = ", ".join(f"{r.form} {r.parsed_period.code}" for r in ctx.config.rounds)
    raise ConfigError(f"Không có kỳ báo cáo “{asked}” trong cấu hình (aggregator.toml). Các kỳ "
                      f"báo cáo đang có: {known}.")


def status(root: Path, as_of: date | None = None, form: str | None = None,
           period: str | None = None) -> RunResult:
    """Where every round stands, from the ledger alone (nothing ingested, nothing written)."""
    ctx = open_context(root)
    as_of = as_of or run_clock(ctx.config.zone, None).date()  # today in the plan's time zone
    form, period = _known_round(ctx, form, period)
    with _read_ledger(ctx) as ledger:
        rounds, _ = _rounds(ctx, ledger, as_of, render=False, only=(form, period))
    return RunResult(root, as_of.isoformat(), [], rounds)


def history(root: Path, unit: str) -> list[HistoryEntry]:
    """Every file a unit ever sent, oldest first, and which version of each report is in force."""
    ctx = open_context(root)
    found = ctx.units.find(unit)  # a code or a name
    with _read_ledger(ctx) as ledger:
        rows = ledger.history(found.code)
    names = {r["id"]: r["original_name"] for r in rows}
    firsts = {}  # a duplicate shows the form and period of the file it repeats
    for r in rows:
        if r["status"] != "duplicate":
            firsts.setdefault(r["sha256"], r)
    return [HistoryEntry(
        received_at=r["received_at"], processed_at=r["processed_at"], file=r["inbox_path"],
        form=firsts.get(r["sha256"], r)["form"], period=firsts.get(r["sha256"], r)["period"],
        instance=firsts.get(r["sha256"], r)["instance"], status=r["status"],
        in_force=r["status"] == "accepted" and r["superseded_by"] is None,
        superseded_by=names.get(r["superseded_by"]), errors=r["errors"], warnings=r["warnings"],
        sender=r["sender"],
    ) for r in rows]


def report(root: Path, as_of: date | None = None,
           rendering: OutputProgress | None = None) -> RunResult:
    """Re-render the summaries and Word reports from the ledger (`rendering` as for `run`)."""
    ctx = open_context(root)
    as_of = as_of or run_clock(ctx.config.zone, None).date()
    ws = ctx.workspace.ensure()
    lock = _locked(ws)
    notices: list[str] = []
    started = datetime.now()
    try:
        with Ledger(ws.ledger, keeps_tables=True) as ledger, ctx.workers() as workers:
            rounds, reminder = _rounds(ctx, ledger, as_of, True, workers=workers, notices=notices,
                                       force=True, rendering=rendering)  # re-render on request
    finally:
        lock.release()
    result = RunResult(root, as_of.isoformat(), [], rounds, reminder=reminder, notices=notices)
    runlog.append(root / runlog.LOG_FILE, runlog.report_lines(result, started))
    return result


def demo(root: Path, as_of: date | None = None,
         progress: Callable[[int, int], None] | None = None,
         rendering: OutputProgress | None = None) -> RunResult:
    """Build the synthetic province in `root` (a demo folder is rebuilt from scratch) and run."""
    from aggregator.demo import DEMO_AS_OF, prepare_demo

    prepare_demo(root)
    return run(root, as_of or DEMO_AS_OF, progress, rendering)


class ExportError(ValueError):
    """The export cannot be made; the message is for the user (Vietnamese)."""


def export(root: Path, unit: str, form: str, period: str,
           as_of: date | None = None) -> ExportResult:
    """A unit's consolidated values — its own report and everything below it — as a filled form
    that the level above ingests like any unit's file (a district forwarding its communes)."""
    from aggregator.consolidate import recompute_totals
    from aggregator.periods import parse_period
    from aggregator.render.forms.export import export_values

    ctx = open_context(root)
    as_of = as_of or run_clock(ctx.config.zone, None).date()
    target = ctx.units.find(unit)  # a code or a name
    parsed = parse_period(period)
    spec = ctx.forms.get(form.strip().upper())
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
    with _workspace_locked(ctx.workspace):
        path = export_values(out, spec, ctx.config, round_, target, frame, result, subtree)
    below = [s for s in result.statuses if s.unit.code in subtree]
    return ExportResult(path, [s.unit.code for s in below if s.status in ("on_time", "late")],
                        [s.unit.code for s in below if s.status not in ("on_time", "late")])
