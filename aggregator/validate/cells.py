"""Cell checks: every indicator's raw value becomes a number or text, or an issue at its cell."""

from __future__ import annotations

import math

from aggregator.forms import FormSpec, Indicator
from aggregator.read.layout import Located
from aggregator.validate.catalog import Issue, make_issue
from aggregator.validate.numbers import parse_number
from aggregator.text import nfc

Value = float | str | None


def _fmt(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value).replace(".", ",")


def check_cell(indicator: Indicator, cell: Located) -> tuple[Value, list[Issue]]:
    where = dict(sheet=cell.sheet, cell=cell.cell, indicator=indicator.code,
                 indicator_label=indicator.label)
    if not indicator.is_numeric:
        text = "" if cell.value is None else nfc(str(cell.value)).strip()
        return (text or None), []
    parsed = parse_number(cell.value)
    if parsed.problem:
        return None, [make_issue(parsed.problem, value=cell.value, **where)]
    if parsed.value is None:
        return None, [make_issue("value-missing", **where)] if indicator.required else []
    value = parsed.value
    if math.isnan(value) or math.isinf(value):
        return None, [make_issue("cell-not-a-number", value=cell.value, **where)]
    if value < 0:
        return None, [make_issue("value-negative", value=_fmt(value), **where)]
    if indicator.type == "count" and not value.is_integer():
        return None, [make_issue("value-not-integer", value=_fmt(value), **where)]
    return value, []


def check_cells(form: FormSpec, cells: dict[str, Located]) -> tuple[dict[str, Value], list[Issue]]:
    values: dict[str, Value] = {}
    issues: list[Issue] = []
    for indicator in form.indicators:
        cell = cells.get(indicator.code)
        if cell is None:
            continue  # reported by the reader as indicator-missing
        values[indicator.code], found = check_cell(indicator, cell)
        issues.extend(found)
    return values, issues
