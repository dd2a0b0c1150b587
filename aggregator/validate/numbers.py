"""Parse what a unit typed into a number, or say why it cannot be read unambiguously."""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_GROUPED_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")  # 1.234.567 (Vietnamese thousands)
_GROUPED_SPACE = re.compile(r"^-?\d{1,3}( \d{3})+$")  # 1 234
_DECIMAL_COMMA = re.compile(r"^-?\d+,\d+$")  # 12,5 (Vietnamese decimal)
_GROUPED_DECIMAL = re.compile(r"^-?\d{1,3}(\.\d{3})+,\d+$")  # 1.234,5 (Vietnamese, both marks)
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_AMBIGUOUS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3})+$")  # 1,234: thousands (en) or decimal (vi)?


@dataclass(frozen=True)
class Parsed:
    value: float | None
    problem: str | None = None  # catalog code when value is None and the cell was not blank


def parse_number(raw: object) -> Parsed:
    if raw is None or raw == "":
        return Parsed(None)
    if isinstance(raw, bool):
        return Parsed(None, "cell-not-a-number")
    if isinstance(raw, int | float):
        return Parsed(float(raw))
    text = str(raw).strip()
    if not text:
        return Parsed(None)
    collapsed = _SPACES.sub(" ", text)
    if _GROUPED_SPACE.match(collapsed):
        return Parsed(float(collapsed.replace(" ", "")))
    compact = collapsed.replace(" ", "")
    if _AMBIGUOUS_COMMA.match(compact):
        return Parsed(None, "value-ambiguous-number")
    if _GROUPED_DOT.match(compact):
        return Parsed(float(compact.replace(".", "")))
    if _GROUPED_DECIMAL.match(compact):
        return Parsed(float(compact.replace(".", "").replace(",", ".")))
    if _DECIMAL_COMMA.match(compact):
        return Parsed(float(compact.replace(",", ".")))
    if _PLAIN.match(compact):
        return Parsed(float(compact))
    return Parsed(None, "cell-not-a-number")
