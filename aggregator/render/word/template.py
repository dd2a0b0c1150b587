"""Render a docxtpl Word template strictly: every variable must be supplied, all text escaped."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment, StrictUndefined


class TemplateVariablesMissing(ValueError):
    """A Word template uses variables that the report context does not supply (our breakage)."""


@dataclass(frozen=True)
class Picture:
    """An image for the context; becomes a docxtpl InlineImage when the template is opened."""

    path: Path
    width_mm: float = 160


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
    ready = {k: InlineImage(doc, str(v.path), width=Mm(v.width_mm)) if isinstance(v, Picture) else v
             for k, v in context.items()}
    doc.render(ready, jinja_env=strict_env(), autoescape=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    return out
