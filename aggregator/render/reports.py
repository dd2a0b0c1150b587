"""Which outputs each round gets — its summary workbook and Word report — and the reminder letter.
Charts are drawn first, all at once and in parallel when there are several."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from aggregator.consolidate import RoundResult
from aggregator.pipeline.timing import Stopwatch
from aggregator.render.charts import draw
from aggregator.render.output_guard import OutputGuard
from aggregator.render.summaries.workbook import write_summary
from aggregator.render.word import cchc_report, ktcv_report
from aggregator.render.word.reminder import reminder_context
from aggregator.render.word.template import render_docx
from aggregator.workspace.config import Config

Templates = Callable[[str], Path]  # template file name → path (workspace override or shipped)
CHARTS = {"KTCV": ktcv_report.chart_specs}


def _titles(results: list[RoundResult]) -> dict[str, str]:
    return {r.form.code: r.form.title for r in results}


def _companion(results: list[RoundResult], form: str, year: int) -> RoundResult | None:
    return next((r for r in results if r.form.code == form and r.period.year == year
                 and r.period.kind == "Y"), None)


def _word(guard: OutputGuard, template: Path, context: dict, target: Path) -> Path:
    return guard.write(target, lambda tmp: render_docx(template, context, tmp))


Step = Callable[[Path], None]  # told the path of each output before it is written


def _outputs_of(result: RoundResult) -> int:
    return 2 if result.form.code in ("KTCV", "CCHC") else 1


def render_round(result: RoundResult, results: list[RoundResult], config: Config,
                 report_date: date, guard: OutputGuard, template: Templates,
                 step: Step = lambda path: None) -> list[Path]:
    folder = guard.outbox / result.period.code
    code, period = result.form.code, result.period.code
    summary = folder / f"tong-hop-{code}-{period}.xlsx"
    step(summary)
    outputs = [guard.write(summary, lambda tmp: write_summary(tmp, result))]
    charts = folder / "bieu-do"
    report = folder / f"bao-cao-{code}-{period}.docx"
    if code == "KTCV":
        annual = result.period.kind == "Y"
        step(report)
        context = ktcv_report.ktcv_context(
            result, config, report_date, charts,
            dkt=_companion(results, "DKT", result.period.year) if annual else None,
            kpkn=_companion(results, "KPKN", result.period.year) if annual else None,
            titles=_titles(results))
        name = "bao-cao-ktcv-nam.docx" if annual else "bao-cao-ktcv.docx"
        outputs.append(_word(guard, template(name), context, report))
    elif code == "CCHC":
        step(report)
        outputs.append(_word(guard, template("bao-cao-cchc.docx"),
                             cchc_report.cchc_context(
                                 result, config, report_date, charts,
                                 dkt=_companion(results, "DKT", result.period.year),
                                 previous=_companion(results, "CCHC", result.period.year - 1),
                                 titles=_titles(results)),
                             report))
    return outputs


def render_reminder(results: list[RoundResult], config: Config, as_of: date,
                    guard: OutputGuard, template: Templates, context: dict | None = None,
                    step: Step = lambda path: None) -> Path | None:
    context = context if context is not None else reminder_context(results, config, as_of)
    if context is None:
        return None
    target = guard.outbox / f"cong-van-don-doc-{as_of.isoformat()}.docx"
    step(target)
    return _word(guard, template("cong-van-don-doc.docx"), context, target)


def render_all(results: list[RoundResult], config: Config, as_of: date, outbox: Path,
               template: Templates, workers=None, timings: dict[str, float] | None = None,
               guard: OutputGuard | None = None,
               progress: Callable[[Path, int, int], None] | None = None,
               unchanged: set[str] = frozenset()) -> dict[str, list[Path]]:
    """Every output of the run, keyed 'FORM:PERIOD' (and 'reminder'), written through `guard`
    (which keeps edited or locked outputs and says so in its notices); rounds named in
    `unchanged` ('FORM:PERIOD': their outputs on disk are up to date) are not written again.

    `progress(path, done, total)` is called before each step — the charts drawn together (`path`
    their folder), then each output about to be written — and once at the end (done == total)."""
    guard = guard or OutputGuard(outbox)
    clock = Stopwatch(timings if timings is not None else {})
    letter = reminder_context(results, config, as_of)
    rendered = [r for r in results if f"{r.form.code}:{r.period.code}" not in unchanged]
    specs = [spec for r in rendered if r.form.code in CHARTS
             for spec in CHARTS[r.form.code](r, outbox / r.period.code / "bieu-do").values()
             if spec]
    todo = [s for s in specs if not s.path.exists()]
    together = workers is not None and len(todo) > 1  # else each report draws its own
    total = together + sum(_outputs_of(r) for r in rendered) + (letter is not None)
    done = 0

    def step(path: Path) -> None:
        nonlocal done
        if progress is not None:
            progress(path, done, total)
        done += 1

    if together:
        step(todo[0].path.parent)
        workers.map_small(draw, todo)
    clock.lap("charts")
    out = {}
    for r in rendered:
        out[f"{r.form.code}:{r.period.code}"] = render_round(r, results, config, as_of, guard,
                                                             template, step)
    clock.lap("reports")
    reminder = render_reminder(results, config, as_of, guard, template, letter, step)
    out["reminder"] = [reminder] if reminder else []
    clock.lap("reports")
    if progress is not None:
        progress(outbox, total, total)
    return out
