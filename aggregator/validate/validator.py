"""Validate a batch of read files: identity against the plan, cells, then rules per form."""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

from aggregator.config import Config
from aggregator.read import ReadResult
from aggregator.validate.catalog import Issue, make_issue
from aggregator.validate.cells import check_cells
from aggregator.validate.report import FileReport
from aggregator.validate.rules import check_rules


def _identity_issues(read: ReadResult, config: Config) -> list[Issue]:
    if not read.identified:
        return []
    round_ = config.round_for(read.form.code, read.period)
    if round_ is None:
        return [make_issue("period-not-in-plan", form=read.form.code, period=read.period.label)]
    if read.unit.level not in round_.submitters:
        return [make_issue("unit-not-expected", unit=f"{read.unit.code} – {read.unit.name}",
                           form=read.form.code, period=read.period.label)]
    return []


def validate_batch(reads: list[ReadResult], config: Config) -> list[FileReport]:
    reports = [FileReport(read=r, issues=list(r.issues)) for r in reads]
    by_form: dict[str, list[int]] = defaultdict(list)
    for pos, report in enumerate(reports):
        read = report.read
        report.issues.extend(_identity_issues(read, config))
        if read.form is None or not read.cells:
            continue
        report.values, cell_issues = check_cells(read.form, read.cells)
        report.issues.extend(cell_issues)
        by_form[read.form.code].append(pos)

    for positions in by_form.values():
        form = reports[positions[0]].read.form
        codes = form.numeric_codes
        frame = pd.DataFrame(
            [[reports[p].values.get(c) for c in codes] for p in positions], columns=codes, dtype=float
        )
        cells = [reports[p].read.cells for p in positions]
        for local, issues in check_rules(form, frame, cells).items():
            reports[positions[local]].issues.extend(issues)
    return reports
