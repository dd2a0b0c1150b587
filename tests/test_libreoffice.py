"""LibreOffice as an independent real client: its re-saved workbooks are read, our .docx renders."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from aggregator import api
from tests.conftest import (
    fill_by_contract,
    libreoffice_convert,
    needs_libreoffice,
    sample_values,
    set_mtime,
)
from tests.test_pipeline import ON_TIME

pytestmark = needs_libreoffice


@pytest.mark.parametrize("fmt", ["xlsx:Calc MS Excel 2007 XML", "ods", "xls:MS Excel 97"])
def test_workbooks_resaved_by_libreoffice_are_accepted(blank_ktcv: Path, tmp_path: Path, fmt):
    root = blank_ktcv.parents[3]
    values = sample_values("SYT")
    filled = fill_by_contract(blank_ktcv, tmp_path / "src" / "Sở Y tế.xlsx", values, "SYT", "2024-H1")
    resaved = libreoffice_convert(filled, fmt, tmp_path / "lo")
    dropped = root / "inbox" / resaved.name
    dropped.parent.mkdir(exist_ok=True)
    shutil.copy2(resaved, dropped)
    set_mtime(dropped, ON_TIME)
    result = api.run(root, date(2024, 7, 1))
    [outcome] = result.files
    assert outcome.status == "accepted", [i.message for i in outcome.errors]
    round_ = next(r for r in result.rounds if r.period == "2024-H1")
    for code, value in values.items():
        if code not in ("15", "16", "17", "18"):
            assert round_.totals[code] == value, code


def test_report_converts_to_a4_pdf_with_its_text(demo_run, tmp_path: Path):
    result = demo_run
    docx = next(p for p in result.reports if "2024-Y" in p.name)
    pdf = libreoffice_convert(docx, "pdf", tmp_path / "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "A4" in info
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    assert 3 <= pages <= 20
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True).stdout
    assert "BÁO CÁO" in text and "Kính gửi: Ủy ban nhân dân tỉnh Thái Nguyên" in text
    assert "PHỤ LỤC" in text and "Sở Ngoại vụ" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert "Times" in fonts or "LiberationSerif" in fonts  # Liberation Serif is metric-compatible
    png = tmp_path / "page"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(png)],
                   check=True)
    [image] = list(tmp_path.glob("page*.png"))
    assert image.stat().st_size > 5_000  # a rendered page, not a blank one
