"""Who reported, when, and how complete and timely a round is — overall, per group, per parent.

Completeness = reported / expected; timeliness = reported on time / expected (as DHIS2 reports its
"reporting rate" and "reporting rate on time"). Vectorized over units: a national round has ~12,500.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import pandas as pd

from aggregator.units import LEVEL_LABELS, Unit
from aggregator.workspace.config import RoundConfig

Status = Literal["on_time", "late", "rejected", "missing"]
STATUS_LABELS: dict[str, str] = {
    "on_time": "Đúng hạn",
    "late": "Muộn",
    "rejected": "Bị trả lại",
    "missing": "Chưa nộp",
}
GROUP_LABELS = {
    "so-ban-nganh": "Sở, ban, ngành",
    "ubnd-huyen": "UBND cấp huyện",
    "ubnd-xa": "UBND cấp xã",
    "tinh": "Tỉnh",
}


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    status: Status
    received_at: datetime | None = None
    file: str | None = None
    rejected_issues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Completeness:
    """One row of a breakdown: a group, a parent unit, or the whole round."""

    key: str
    label: str
    expected: int
    on_time: int
    late: int
    rejected: int
    missing: int
    missing_units: tuple[str, ...]
    rejected_units: tuple[str, ...]

    @property
    def reported(self) -> int:
        return self.on_time + self.late

    @property
    def completeness(self) -> float | None:
        return self.reported / self.expected * 100 if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return self.on_time / self.expected * 100 if self.expected else None

    def to_dict(self) -> dict:
        return {
            "key": self.key, "label": self.label, "expected": self.expected,
            "reported": self.reported, "on_time": self.on_time, "late": self.late,
            "rejected": self.rejected, "missing": self.missing,
            "completeness": self.completeness, "timeliness": self.timeliness,
            "missing_units": list(self.missing_units), "rejected_units": list(self.rejected_units),
        }


def statuses(round_: RoundConfig, expected: list[Unit], subs: pd.DataFrame,
             issues: pd.DataFrame) -> list[UnitStatus]:
    """Status of every expected unit. Timeliness counts from a unit's first accepted version."""
    codes = [u.code for u in expected]
    mine = subs[subs["unit"].isin(codes)]
    accepted = mine[mine["status"] == "accepted"].sort_values(["received", "id"])
    first = accepted.groupby("unit").first()
    in_force = accepted[accepted["superseded_by"].isna()].groupby("unit").last()
    shown = accepted.groupby("unit").last()
    rejected = mine[mine["status"] == "rejected"].sort_values(["received", "id"]).groupby("unit").last()
    errors = issues[issues["severity"] == "error"].groupby("submission_id")["message"].apply(tuple)
    # Plain dicts: looked up once per unit (a national round has ~12,500 of them).
    first_at = first["received"].to_dict()
    shown_name = shown["original_name"].to_dict() | in_force["original_name"].to_dict()
    rejected_row = rejected[["received", "original_name", "id"]].to_dict("index")
    error_messages = errors.to_dict()
    out = []
    for unit in expected:
        code = unit.code
        if code in first_at:
            received = first_at[code]
            late = round_.is_late(received.date())
            out.append(UnitStatus(unit, "late" if late else "on_time", received.to_pydatetime(),
                                  shown_name[code]))
        elif code in rejected_row:
            row = rejected_row[code]
            out.append(UnitStatus(unit, "rejected", row["received"].to_pydatetime(),
                                  row["original_name"], error_messages.get(row["id"], ())))
        else:
            out.append(UnitStatus(unit, "missing"))
    return out


def _row(key: str, label: str, items: list[UnitStatus]) -> Completeness:
    count = {s: 0 for s in STATUS_LABELS}
    for item in items:
        count[item.status] += 1
    return Completeness(
        key, label, len(items), count["on_time"], count["late"], count["rejected"], count["missing"],
        tuple(i.unit.code for i in items if i.status == "missing"),
        tuple(i.unit.code for i in items if i.status == "rejected"),
    )


def breakdown(items: list[UnitStatus], by: str, names: dict[str, str],
              key_of=None) -> list[Completeness]:
    """Rows per group (`by="group"`) or per parent unit (`by="parent"`), in order of appearance;
    `key_of` (unit code → key) overrides the attribute, e.g. the owner's child above each unit."""
    buckets: dict[str, list[UnitStatus]] = {}
    for item in items:
        key = key_of(item.unit.code) if key_of else getattr(item.unit, by) or ""
        buckets.setdefault(key, []).append(item)
    label = (lambda k: GROUP_LABELS.get(k, k)) if by == "group" else (lambda k: names.get(k, k))
    return [_row(k, label(k), v) for k, v in buckets.items()]


def overall(items: list[UnitStatus]) -> Completeness:
    return _row("", "Toàn bộ", items)


def level_label(unit: Unit) -> str:
    return GROUP_LABELS.get(unit.group) or LEVEL_LABELS.get(unit.level, unit.level)
