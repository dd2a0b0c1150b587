"""What every verb starts from: the workspace, its configuration, unit list and form definitions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aggregator.forms import FormRegistry
from aggregator.pipeline.workers import Workers
from aggregator.render.word.report_codes import check_report_codes
from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry
from aggregator.workspace import Workspace
from aggregator.workspace.config import Config, check_references, load_config
from aggregator.workspace.settings import shipped_templates_dir


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    config: Config
    units: UnitRegistry
    forms: FormRegistry

    @property
    def units_file(self) -> Path:
        return self.config.units_file or DEFAULT_UNITS_FILE

    def workers(self, processes: int | None = None, crash_marker: Path | None = None) -> Workers:
        return Workers([shipped_templates_dir() / "forms", self.workspace.forms_dir],
                       self.units_file, self.forms, self.units, self.config.limits, processes,
                       crash_marker)


def open_context(root: Path) -> Context:
    ws = Workspace(root)
    config = load_config(root)
    units = UnitRegistry.from_file(config.units_file or DEFAULT_UNITS_FILE)
    forms = FormRegistry.default(ws.forms_dir)
    check_report_codes(forms, [shipped_templates_dir() / "forms", ws.forms_dir])
    units.check_forms({f.code for f in forms})
    check_references(root, config, {f.code for f in forms}, units)
    return Context(ws, config, units, forms)
