"""Load form definitions from YAML (workspace override first, then the shipped templates)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import ValidationError

from aggregator.forms.models import FormSpec, FormSpecError
from aggregator.workspace.settings import shipped_templates_dir

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10× faster


def load_form(path: Path) -> FormSpec:
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        return FormSpec.model_validate(data)
    except (yaml.YAMLError, ValidationError, OSError) as exc:
        raise FormSpecError(f"form definition {path}: {exc}") from exc


class FormRegistry:
    def __init__(self, forms: dict[str, FormSpec]):
        self._forms = forms

    @classmethod
    def load(cls, *dirs: Path) -> FormRegistry:
        """Later directories override earlier ones, form by form (by code)."""
        forms: dict[str, FormSpec] = {}
        for folder in dirs:
            if folder.is_dir():
                for path in sorted(folder.glob("*.yaml")):
                    spec = load_form(path)
                    forms[spec.code] = spec
        if not forms:
            raise FormSpecError(f"no form definitions found in {[str(d) for d in dirs]}")
        return cls(forms)

    @classmethod
    def default(cls, workspace_forms: Path | None = None) -> FormRegistry:
        dirs = [shipped_templates_dir() / "forms"]
        if workspace_forms is not None:
            dirs.append(workspace_forms)
        return cls.load(*dirs)

    def get(self, code: str) -> FormSpec | None:
        return self._forms.get(code.upper())

    def __getitem__(self, code: str) -> FormSpec:
        return self._forms[code.upper()]

    def __iter__(self):
        return iter(self._forms.values())

    @property
    def codes(self) -> list[str]:
        return list(self._forms)
