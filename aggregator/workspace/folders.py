"""A workspace folder: inbox/, outbox/, archive/, rejected/, the ledger and the optional config."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aggregator.workspace import settings


@dataclass(frozen=True)
class Workspace:
    root: Path

    @property
    def inbox(self) -> Path:
        return self.root / settings.INBOX

    @property
    def outbox(self) -> Path:
        return self.root / settings.OUTBOX

    @property
    def archive(self) -> Path:
        return self.root / settings.ARCHIVE

    @property
    def rejected(self) -> Path:
        return self.root / settings.REJECTED

    @property
    def ledger(self) -> Path:
        return self.root / settings.LEDGER_FILE

    @property
    def lock(self) -> Path:
        return self.root / settings.LOCK_FILE

    @property
    def forms_dir(self) -> Path:
        """Optional overrides of the shipped form definitions."""
        return self.root / "templates" / "forms"

    @property
    def reports_dir(self) -> Path:
        """Optional overrides of the shipped Word templates."""
        return self.root / "templates" / "reports"

    def is_set_up(self) -> bool:
        """Made by `aggregator init` (aggregator.toml), or used before (inbox/): anything else is a
        folder a verb must not turn into a workspace by mistake (a typo in --workspace)."""
        return (self.root / settings.CONFIG_FILE).is_file() or self.inbox.is_dir()

    def ensure(self) -> Workspace:
        for folder in (self.inbox, self.outbox, self.archive, self.rejected):
            folder.mkdir(parents=True, exist_ok=True)
        return self

    def report_template(self, name: str) -> Path:
        local = self.reports_dir / name
        return local if local.exists() else settings.shipped_templates_dir() / "reports" / name
