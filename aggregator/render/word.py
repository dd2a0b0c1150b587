"""Render a docxtpl Word template strictly: every variable must be supplied, all text escaped."""

from __future__ import annotations

from pathlib import Path

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined


class TemplateVariablesMissing(ValueError):
    """A Word template uses variables that the report context does not supply (our breakage)."""


def strict_env() -> Environment:
    return Environment(undefined=StrictUndefined, autoescape=True)


def undeclared_variables(template: Path, context: dict) -> set[str]:
    """Variables the template uses that `context` does not supply."""
    return set(DocxTemplate(str(template)).get_undeclared_template_variables(strict_env(), context))


def render_docx(template: Path, context: dict, out: Path) -> Path:
    missing = undeclared_variables(template, context)
    if missing:
        raise TemplateVariablesMissing(
            f"mẫu báo cáo {template.name} dùng biến không có dữ liệu: {', '.join(sorted(missing))}"
        )
    doc = DocxTemplate(str(template))
    doc.render(context, jinja_env=strict_env(), autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out
