"""Reporting periods: codes like 2024-H1 / 2024-Y and their Vietnamese labels."""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.text import fold

_CODE = re.compile(r"^\s*(\d{4})\s*-\s*(H1|Y)\s*$", re.IGNORECASE)
_LABEL_H1 = re.compile(r"6 thang dau nam (\d{4})")
_LABEL_Y = re.compile(r"^(?:ca )?nam (\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "H1" or "Y"

    @property
    def code(self) -> str:
        return f"{self.year}-{self.kind}"

    @property
    def label(self) -> str:
        return f"6 tháng đầu năm {self.year}" if self.kind == "H1" else f"Năm {self.year}"

    def __str__(self) -> str:
        return self.code


def parse_period(value: object) -> Period | None:
    """Accept '2024-H1', '2024-Y', '6 tháng đầu năm 2024', 'Năm 2024' (any case, NFC or NFD)."""
    if value is None:
        return None
    text = str(value).strip()
    if m := _CODE.match(text):
        return Period(int(m.group(1)), m.group(2).upper())
    folded = " ".join(fold(text).split())
    if m := _LABEL_H1.search(folded):
        return Period(int(m.group(1)), "H1")
    if m := _LABEL_Y.match(folded):
        return Period(int(m.group(1)), "Y")
    return None
