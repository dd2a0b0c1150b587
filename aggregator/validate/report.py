"""The outcome of validating one file: parsed values and every issue found (read + validate)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aggregator.issues import Issue
from aggregator.read import ReadResult
from aggregator.validate.cells import Value


@dataclass
class FileReport:
    read: ReadResult
    values: dict[str, Value] = field(default_factory=dict)  # entered cells and line-list tallies
    items: list[dict[str, Value]] = field(default_factory=list)  # line-list rows
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def acceptable(self) -> bool:
        return self.read.identified and not self.errors

    @property
    def instance(self) -> str:
        """What tells several files of one unit and period apart (DKT: the inspection date)."""
        key = self.read.form.instance_key if self.read.form else None
        return str(self.values.get(key) or "") if key else ""
