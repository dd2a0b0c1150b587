"""Word reports: the template declares nothing the context lacks, and odd rounds read correctly."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
from docx import Document

from aggregator.consolidate import consolidate_round
from aggregator.forms import FormRegistry
from aggregator.render.word.ktcv_report import ktcv_context
from aggregator.render.word.template import render_docx, undeclared_variables
from aggregator.units import UnitRegistry
from aggregator.workspace.config import Config
from aggregator.workspace.settings import shipped_templates_dir

TEMPLATE = shipped_templates_dir() / "reports" / "bao-cao-ktcv.docx"


def empty_round():
    config = Config()
    round_ = config.rounds[1]
    subs = pd.DataFrame(columns=["id", "unit", "status", "received_at", "superseded_by",
                                 "original_name"])
    values = pd.DataFrame(columns=["unit", "submission_id", "indicator", "number", "text"])
    issues = pd.DataFrame(columns=["submission_id", "code", "severity", "message"])
    result = consolidate_round(round_, FormRegistry.default()["KTCV"], UnitRegistry.from_csv(),
                               subs, values, issues, date(2024, 12, 20))
    return result, config


def test_template_uses_only_variables_the_context_supplies():
    result, config = empty_round()
    context = ktcv_context(result, config, date(2025, 1, 5))
    assert undeclared_variables(TEMPLATE, context) == set()
    assert undeclared_variables(TEMPLATE, {}) >= {"status_paragraphs", "unit_rows", "signer_name"}


def test_round_where_every_unit_is_missing_reads_correctly(tmp_path: Path):
    result, config = empty_round()
    assert result.submitted == 0 and result.expected == 29
    out = render_docx(TEMPLATE, ktcv_context(result, config, date(2025, 1, 5)),
                      tmp_path / "r.docx")
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "chưa có cơ quan, đơn vị, địa phương nào gửi báo cáo" in text
    assert "0 cuộc" not in text and "0/29" not in text
    assert "Thái Nguyên, ngày 05 tháng 01 năm 2025" in "\n".join(
        c.text for t in Document(str(out)).tables for r in t.rows for c in r.cells)


def test_unit_text_is_escaped_not_interpreted(tmp_path: Path):
    result, config = empty_round()
    context = ktcv_context(result, config, date(2025, 1, 5))
    context["strengths"] = ["<w:p>Tiếp dân & xử lý đơn {{ signer_name }}</w:p>"]
    out = render_docx(TEMPLATE, context, tmp_path / "r.docx")
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "<w:p>Tiếp dân & xử lý đơn {{ signer_name }}</w:p>" in text
