"""Shared fixtures. The form filler here follows the *contract* (labels and header names) with plain
openpyxl, independently of the package's own reader, as a unit's script would."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest

from aggregator import api
from aggregator.demo.numbers import ktcv_year


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_libreoffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
)


def libreoffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    """Convert with LibreOffice headless (a real client); returns the written file."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), str(src)],
        check=True, capture_output=True, timeout=180,
    )
    out = outdir / (src.stem + "." + fmt.split(":")[0])
    assert out.exists(), f"LibreOffice did not write {out}"
    return out


def fill_by_contract(template: Path, out: Path, values: dict[str, object],
                     unit: str | None = None, period: str | None = None) -> Path:
    wb = openpyxl.load_workbook(template)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "Mã đơn vị" and unit is not None:
                    ws.cell(cell.row, cell.column + 1).value = unit
                if cell.value == "Kỳ báo cáo" and period is not None:
                    ws.cell(cell.row, cell.column + 1).value = period
    for ws in wb.worksheets:
        header = None
        for row in ws.iter_rows():
            names = {c.value: c.column for c in row if isinstance(c.value, str)}
            if "Mã chỉ tiêu" in names and "Số liệu" in names:
                header = (row[0].row, names["Mã chỉ tiêu"], names["Số liệu"])
                break
        if header:
            r0, code_col, value_col = header
            for r in range(r0 + 1, ws.max_row + 1):
                code = ws.cell(r, code_col).value
                if code in values:
                    ws.cell(r, value_col).value = values[code]
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def set_mtime(path: Path, when: datetime) -> None:
    ts = when.timestamp()
    os.utime(path, (ts, ts))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    root.mkdir()
    return root


@pytest.fixture
def blank_ktcv(workspace: Path) -> Path:
    """The blank KTCV form of 2024-H1 as `aggregator templates` writes it."""
    paths = api.make_templates(workspace, form="KTCV", period="2024-H1", per_unit=False)
    return paths[0]


def sample_values(unit: str, kind: str = "H1", size: int = 0) -> dict[str, object]:
    """Rule-consistent values for a unit (the demo generator; totals are checked by the tests)."""
    h1, year = ktcv_year(f"test-{unit}", size)
    return dict(h1 if kind == "H1" else year)
