"""Shared fixtures. The form filler here follows the *contract* (labels and header names) with plain
openpyxl, independently of the package's own reader, as a unit's script would."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from aggregator import api
from aggregator.demo.numbers import cchc_year, dkt_visit, kpkn_items, ktcv_year
from aggregator.forms import FormRegistry
from aggregator.intake.scan import stamp


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


needs_libreoffice = pytest.mark.skipif(
    soffice() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it"
)


# In CI every tool a test needs is installed by .ci/run: a test skipped there for a missing tool
# fails instead, so a broken install step cannot turn the real-program tests into silent skips.
MISSING_TOOL = ("is not installed", "could not import")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        if any(words in reason for words in MISSING_TOOL):
            report.outcome = "failed"
            report.longrepr = f"CI must run this test (.ci/run installs its tools), but: {reason}"


_PROFILE = Path(tempfile.mkdtemp(prefix="aggregator-lo-profile-"))  # one LibreOffice start-up cost
atexit.register(shutil.rmtree, _PROFILE, ignore_errors=True)  # one per test process, not left in /tmp


def libreoffice_convert_all(sources: list[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert with LibreOffice headless (a real client), one process for all files."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = _PROFILE
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
         "--outdir", str(outdir), *map(str, sources)],
        check=True, capture_output=True, timeout=600,
    )
    outs = [outdir / (src.stem + "." + fmt.split(":")[0]) for src in sources]
    for out in outs:
        assert out.exists(), f"LibreOffice did not write {out}"
    return outs


def libreoffice_convert(src: Path, fmt: str, outdir: Path) -> Path:
    return libreoffice_convert_all([src], fmt, outdir)[0]


KEY = re.compile(r"^[A-Z][A-Z0-9_]*$")


def fill_by_contract(template: Path, out: Path, values: dict[str, object],
                     unit: str | None = None, period: str | None = None,
                     items: list[dict[str, object]] | None = None) -> Path:
    """Fill as a script following the contract would: labels, header rows, codes, column labels.

    `values`: indicator code, or 'row.KEY' for matrix cells → value. `items`: line-list rows keyed by
    column label, written under the header row that carries those labels.
    """
    wb = openpyxl.load_workbook(template)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value == "Mã đơn vị" and unit is not None:
                    ws.cell(cell.row, cell.column + 1).value = unit
                if cell.value == "Kỳ báo cáo" and period is not None:
                    ws.cell(cell.row, cell.column + 1).value = period
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        code_col, cols = None, {}
        for row in ws.iter_rows():
            names = {c.value: c.column for c in row if isinstance(c.value, str)}
            if "Mã chỉ tiêu" in names:
                code_col = names["Mã chỉ tiêu"]
                cols = {"": names["Số liệu"]} if "Số liệu" in names else {}
                cols |= {k: c for k, c in names.items() if KEY.match(k)}
                continue
            if items and set(items[0]) <= set(names):
                for offset, item in enumerate(items, start=1):
                    for label, value in item.items():
                        ws.cell(row[0].row + offset, names[label]).value = value
                continue
            code = ws.cell(row[0].row, code_col).value if code_col else None
            for key, col in cols.items():
                address = f"{code}.{key}" if key else code
                if code is not None and address in values:
                    ws.cell(row[0].row, col).value = values[address]
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


def contract_positions(path: Path) -> dict[str, tuple[str, str]]:
    """Where each address lives, found the contract's way: 'Mã đơn vị' → ('Thông tin', 'B4'),
    '1.1' → ('Biểu KTCV', 'D6'), '2.3.HT' → …, and line-list cells as 'item<n>:<label>'."""
    wb = openpyxl.load_workbook(path)
    found: dict[str, tuple[str, str]] = {}
    for ws in wb.worksheets:
        if ws.sheet_state != "visible":
            continue
        code_col, cols, item_header = None, {}, None
        for row in ws.iter_rows():
            names = {c.value: c.column for c in row if isinstance(c.value, str)}
            for label in ("Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo"):
                if label in names:
                    found[label] = (ws.title, ws.cell(row[0].row, names[label] + 1).coordinate)
            if "Mã chỉ tiêu" in names:
                code_col = names["Mã chỉ tiêu"]
                cols = {"": names["Số liệu"]} if "Số liệu" in names else {}
                cols |= {k: c for k, c in names.items() if KEY.match(k)}
                continue
            if "STT" in names and "Kết quả" in names:
                item_header = (row[0].row, names)
                continue
            if item_header:
                n = row[0].row - item_header[0]
                for label, col in item_header[1].items():
                    found[f"item{n}:{label}"] = (ws.title, ws.cell(row[0].row, col).coordinate)
                continue
            code = ws.cell(row[0].row, code_col).value if code_col else None
            for key, col in cols.items():
                if code is not None:
                    address = f"{code}.{key}" if key else code
                    found.setdefault(address, (ws.title, ws.cell(row[0].row, col).coordinate))
    return found


def set_mtime(path: Path, when: datetime) -> None:
    """Date a file at `when`, Vietnam's wall-clock time (the plan's time zone) when naive."""
    stamp(path, when, ZoneInfo("Asia/Ho_Chi_Minh"))


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The demo province, run once for every test that only reads its results."""
    return api.demo(tmp_path_factory.mktemp("demo") / "ws")


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A workspace as a run leaves one (inbox/; no aggregator.toml: the embedded defaults); the
    command line refuses a folder that is neither this nor made by `aggregator init`."""
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
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


def sample_form(form: str, unit: str = "STP") -> tuple[dict[str, object], list[dict] | None]:
    """(values, line-list items keyed by column label) that pass every rule of `form`."""
    if form == "KTCV":
        return sample_values(unit), None
    if form == "CCHC":
        return cchc_year(f"test-{unit}", 0), None
    if form == "DKT":
        from datetime import date

        return dkt_visit(f"test-{unit}", date(2024, 9, 10)), None
    labels = {c.key: c.label for c in FormRegistry.default()["KPKN"].line_list.columns}
    items = next(found for i in range(100) if len(found := kpkn_items(f"test-{unit}-{i}")) >= 3)
    return {}, [{labels[k]: v for k, v in item.items()} for item in items]
