"""Typed results of the verbs. The CLI formats them; `to_dict` is the --json document."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from aggregator.issues import Issue

# Progress of a long step, for a display: (the output about to be written, or the folder being
# converted; how many are done; how many in all). Called once more at the end with done == total.
OutputProgress = Callable[[Path, int, int], None]


def _issue_dict(issue: Issue) -> dict:
    return {
        "code": issue.code,
        "severity": issue.severity,
        "sheet": issue.sheet,
        "cell": issue.cell,
        "indicator": issue.indicator,
        "message": issue.message,
    }


@dataclass(frozen=True)
class Original:
    """The file a duplicate repeats byte for byte, as it was taken in (earlier or in this run)."""
    name: str  # path below the inbox when it was received
    status: str  # accepted / rejected
    unit: str | None
    form: str | None
    period: str | None
    received: str  # ISO time it was received (see `FileOutcome.received`)

    def to_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "unit": self.unit, "form": self.form,
                "period": self.period, "received": self.received}


@dataclass(frozen=True)
class FileOutcome:
    name: str  # path below the inbox (or as given to `check`)
    sha256: str | None  # None for an entry that was not read (ignored, waiting)
    # accepted / rejected / duplicate; ignored (never taken in) / waiting (next run);
    # valid / invalid (check)
    status: str
    unit: str | None
    form: str | None
    period: str | None
    late: bool | None
    errors: list[Issue]
    warnings: list[Issue]
    stored: Path | None = None
    note: Path | None = None
    feedback: Path | None = None  # the unit's workbook annotated with its issues
    reason: str | None = None  # why ignored or waiting, or why a kept file is still in the inbox
    # A member of an e-mail or zip: when it was received and where that time comes from
    # (mail-server / mail-date / file-time), and who sent the e-mail.
    received: str | None = None
    received_from: str | None = None
    sender: str | None = None
    # `check`: the unit list the unit was identified by — "workspace" (the workspace's own list),
    # "built-in" (the program's, no workspace list), "form" (the identity the office's form
    # carries, for a unit the built-in list lacks; `run` decides by the office's list)
    units_from: str | None = None
    # A duplicate: the file it repeats; its unit, form and period are that file's.
    duplicate_of: Original | None = None

    def to_dict(self) -> dict:
        extra = {key: value for key, value in (("received", self.received),
                                               ("received_from", self.received_from),
                                               ("sender", self.sender),
                                               ("units_from", self.units_from)) if value is not None}
        if self.duplicate_of is not None:
            extra["duplicate_of"] = self.duplicate_of.to_dict()
        return {
            "name": self.name,
            "sha256": self.sha256,
            "status": self.status,
            "unit": self.unit,
            "form": self.form,
            "period": self.period,
            "late": self.late,
            "errors": [_issue_dict(i) for i in self.errors],
            "warnings": [_issue_dict(i) for i in self.warnings],
            "stored": str(self.stored) if self.stored else None,
            "feedback": str(self.feedback) if self.feedback else None,
            "reason": self.reason,
        } | extra


def _clean(value: float | None) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value) if float(value).is_integer() else round(value, 4)


@dataclass(frozen=True)
class UnitRow:
    code: str
    name: str
    status: str  # on_time / late / rejected / missing
    received_at: str | None
    file: str | None

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "status": self.status,
                "received_at": self.received_at, "file": self.file}


@dataclass(frozen=True)
class UnitsImport:
    """What `aggregator units import` changed in the unit list (or would, with `dry_run`)."""

    units_file: Path
    backup: Path | None  # the unit list as it was, kept next to it
    province: str
    valid_from: str
    added: list[tuple[str, str]]  # (code, name)
    ended: list[tuple[str, str]]
    updated: list[tuple[str, str]]
    dry_run: bool

    def to_dict(self) -> dict:
        return {k: (str(v) if isinstance(v, Path) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class HistoryEntry:
    received_at: str
    processed_at: str
    file: str
    form: str | None
    period: str | None
    instance: str
    status: str  # accepted / rejected / duplicate
    in_force: bool
    superseded_by: str | None  # the file that replaced it
    errors: int
    warnings: int
    sender: str | None = None  # who e-mailed it (a file taken from an .eml)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class RoundOutcome:
    form: str
    period: str
    period_label: str
    deadline: str
    expected: int
    submitted: int
    on_time: int
    late: int
    missing: list[str]
    rejected: list[str]
    late_units: list[str]
    totals: dict[str, float]
    derived: dict[str, float | None]
    outputs: list[Path] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)  # completeness per group (sở/ban/ngành, …)
    parents: list[dict] = field(default_factory=list)  # completeness per parent unit

    @classmethod
    def from_dict(cls, d: dict) -> RoundOutcome:
        """The inverse of to_dict (a re-run with nothing new reuses the last outcome)."""
        return cls(
            form=d["form"], period=d["period"], period_label=d["period_label"],
            deadline=d["deadline"], expected=d["expected"], submitted=d["submitted"],
            on_time=d["on_time"], late=d["late"], missing=d["missing"], rejected=d["rejected"],
            late_units=d["late_units"], totals=d["totals"], derived=d["derived"],
            outputs=[Path(p) for p in d["outputs"]], units=[UnitRow(**u) for u in d["units"]],
            groups=d["groups"], parents=d["parents"])

    def to_dict(self) -> dict:
        return {
            "form": self.form,
            "period": self.period,
            "period_label": self.period_label,
            "deadline": self.deadline,
            "expected": self.expected,
            "submitted": self.submitted,
            "on_time": self.on_time,
            "late": self.late,
            "missing": self.missing,
            "rejected": self.rejected,
            "late_units": self.late_units,
            "totals": {k: _clean(v) for k, v in self.totals.items()},
            "derived": {k: _clean(v) for k, v in self.derived.items()},
            "outputs": [str(p) for p in self.outputs],
            "units": [u.to_dict() for u in self.units],
            "groups": self.groups,
            "parents": self.parents,
        }


@dataclass(frozen=True)
class RunResult:
    workspace: Path
    as_of: str
    files: list[FileOutcome]
    rounds: list[RoundOutcome]
    recovered: int = 0  # files a killed run had recorded; this run finished releasing them
    unsettled: list[str] = field(default_factory=list)  # still being written: left for next run
    reminder: Path | None = None  # the công văn đôn đốc, when some unit is missing or rejected
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage of the run
    overwritten: list[str] = field(default_factory=list)  # rewritten in place while being kept
    notices: list[str] = field(default_factory=list)  # outputs kept (edited, open) and why

    def count(self, status: str) -> int:
        return sum(1 for f in self.files if f.status == status)

    @property
    def reports(self) -> list[Path]:
        docs = [p for r in self.rounds for p in r.outputs if p.suffix == ".docx"]
        return docs + ([self.reminder] if self.reminder else [])

    def to_dict(self) -> dict:
        return {
            "workspace": str(self.workspace),
            "as_of": self.as_of,
            "files": [f.to_dict() for f in self.files],
            "rounds": [r.to_dict() for r in self.rounds],
            "recovered": self.recovered,
            "unsettled": self.unsettled,
            "reminder": str(self.reminder) if self.reminder else None,
            "timings": {k: round(v, 3) for k, v in self.timings.items()},
            "overwritten": self.overwritten,
            "notices": self.notices,
        }


@dataclass(frozen=True)
class ExportResult:
    """A unit's roll-up written for the level above, and which of its units it holds."""

    path: Path
    included: list[str]  # codes of the expected units below (and the unit) whose reports are in
    missing: list[str]  # expected units below with no accepted report

    @property
    def coverage(self) -> str:
        total = len(self.included) + len(self.missing)
        text = f"Đã tổng hợp {len(self.included)}/{total} đơn vị"
        if self.missing:
            shown = ", ".join(self.missing[:10]) + (", …" if len(self.missing) > 10 else "")
            text += f"; còn thiếu {len(self.missing)} đơn vị: {shown}"
        return text + "."
