"""Form rules, implemented once per kind and evaluated over all files of a form at once (pandas)."""

from __future__ import annotations

import operator

import numpy as np
import pandas as pd

from aggregator.forms import FormSpec, Rule
from aggregator.forms.models import codes_phrase
from aggregator.issues import Issue, make_issue
from aggregator.read.layout import Located
from aggregator.vn_format import count_or_decimal

_OPS = {"==": operator.eq, "<=": operator.le, ">=": operator.ge}


def _initial_capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _rule_issue(rule: Rule, form: FormSpec, left: float, right: float,
                cells: dict[str, Located]) -> Issue:
    anchor = rule.left[0]
    cell = cells.get(anchor)
    code = (
        "rule-sum-mismatch" if rule.kind == "sum"
        else "rule-compare-warning" if rule.severity == "warning"
        else "rule-compare-failed"
    )
    return make_issue(
        code,
        sheet=cell.sheet if cell else None,
        cell=cell.cell if cell else None,
        indicator=anchor,
        indicator_label=form.by_code[anchor].label,
        left_codes=_initial_capital(codes_phrase(rule.left)),
        right_codes=codes_phrase(rule.right),
        left=count_or_decimal(left),
        right=count_or_decimal(right),
        rule=rule.sentence(strict=rule.severity == "error"),
        hint=rule.hint,
    )


def check_rules(
    form: FormSpec, frame: pd.DataFrame, cells: list[dict[str, Located]]
) -> dict[int, list[Issue]]:
    """`frame`: one row per file (positional index matching `cells`), one column per numeric code.

    A rule is only evaluated where all its codes hold a valid number; missing or invalid cells are
    already reported at their own cell. Each rule is a few array operations over all the files.
    """
    found: dict[int, list[Issue]] = {}
    if frame.empty:
        return found
    data = frame.to_numpy(dtype=float)
    column = {code: i for i, code in enumerate(frame.columns)}
    for rule in form.all_rules:
        present = ~np.isnan(data[:, [column[c] for c in rule.codes]]).any(axis=1)
        left = data[:, [column[c] for c in rule.left]].sum(axis=1)
        right = data[:, [column[c] for c in rule.right]].sum(axis=1)
        with np.errstate(invalid="ignore"):
            failing = present & ~_OPS[rule.op](left, right)
        for pos in np.flatnonzero(failing):
            found.setdefault(int(pos), []).append(
                _rule_issue(rule, form, float(left[pos]), float(right[pos]), cells[pos])
            )
    return found
