"""Cell checks: every entered value becomes a number, text, date or choice — or an issue at its cell."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from aggregator.forms import BOUNDS, FormSpec, Indicator
from aggregator.issues import Issue, make_issue
from aggregator.read.layout import Located
from aggregator.text import fold, nfc
from aggregator.validate.numbers import parse_number
from aggregator.vn_format import count_or_decimal

Value = float | str | None
_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_EXCEL_EPOCH = date(1899, 12, 30)
_FAST = frozenset(BOUNDS)


def _fmt(value: float) -> str:
    return count_or_decimal(value)


def parse_date(raw: object) -> date | None:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and not isinstance(raw, bool) and 36526 <= raw <= 73050:
        return _EXCEL_EPOCH + timedelta(days=int(raw))  # a date cell that lost its format
    if isinstance(raw, str):
        try:
            if m := _DMY.match(raw):
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if m := _ISO.match(raw):
                return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    return None


def match_choice(raw: object, choices: tuple[str, ...]) -> str | None:
    """The canonical choice for what was typed (case, spacing and diacritics forgiven)."""
    key = " ".join(fold(str(raw)).split())
    return next((c for c in choices if fold(c) == key), None)


def check_value(ind: Indicator, cell: Located, year: int | None = None, *,
                indicator: str | None = None) -> tuple[Value, list[Issue]]:
    """`indicator` overrides the code shown in messages (line lists show the column instead)."""
    raw = cell.value
    if (type(raw) is float or type(raw) is int) and ind.type in _FAST:  # the common case
        low, high = BOUNDS[ind.type]
        if low <= raw and (high is None or raw <= high) and (
                ind.type != "count" or float(raw).is_integer()):
            return float(raw), []
    where = dict(sheet=cell.sheet, cell=cell.cell, indicator=indicator or ind.code,
                 indicator_label=ind.label)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if not ind.required:
            return None, []
        return None, [make_issue("value-missing" if ind.type == "count" else "value-required",
                                 **where)]
    if ind.type == "text":
        return nfc(str(raw)).strip(), []
    if ind.type == "choice":
        choice = match_choice(raw, ind.choices)
        if choice is None:
            return None, [make_issue("choice-invalid", value=raw, choices=", ".join(ind.choices),
                                     **where)]
        return choice, []
    if ind.type == "date":
        day = parse_date(raw)
        if day is None:
            return None, [make_issue("value-not-a-date", value=raw, **where)]
        return day.isoformat(), []
    parsed = parse_number(raw)
    if parsed.problem:
        return None, [make_issue(parsed.problem, value=raw, **where)]
    value = parsed.value
    if value is None or math.isnan(value) or math.isinf(value):
        return None, [make_issue("cell-not-a-number", value=raw, **where)]
    low, high = BOUNDS[ind.type]
    if ind.type == "count" and value < 0:
        return None, [make_issue("value-negative", value=_fmt(value), **where)]
    if ind.type == "count" and not value.is_integer():
        return None, [make_issue("value-not-integer", value=_fmt(value), **where)]
    if value < low or (high is not None and value > high):
        return None, [make_issue("value-out-of-range", value=_fmt(value), low=low, high=high,
                                 **where)]
    return value, []


def check_cells(form: FormSpec, cells: dict[str, Located]) -> tuple[dict[str, Value], list[Issue]]:
    values: dict[str, Value] = {}
    issues: list[Issue] = []
    for ind in form.cells:
        cell = cells.get(ind.code)
        if cell is None:
            continue  # reported by the reader as indicator-missing
        values[ind.code], found = check_value(ind, cell)
        issues.extend(found)
    return values, issues
