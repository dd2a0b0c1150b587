"""Windows' 260-character path limit: the longest path a run writes inside a workspace, computed
from the code's constants (name length cap, folder names, temporary names), gives the longest
workspace folder path the guide may promise; a real run with over-long names stays inside it."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path, PureWindowsPath

import openpyxl

from aggregator import api
from aggregator.intake.archive import MAX_NAME_BYTES, fit_name
from aggregator.pipeline.ingest import STAGING
from aggregator.render.safe_write import temporary_beside
from aggregator.units import DEFAULT_UNITS_FILE, UnitRegistry
from aggregator.workspace import Workspace
from tests.conftest import fill_by_contract, sample_values

MAX_PATH = 259  # Windows: 260 characters including the terminating NUL
GUIDE = Path(__file__).resolve().parents[1] / "docs" / "huong-dan-su-dung.md"
LONGEST_PID = "4294967295"  # a Windows process id, at most 32 bits (in temporary names)
UNKNOWN_UNIT = "khong-ro-don-vi"  # feedback folder of a file whose unit is not known


def _longest_relative_paths() -> dict[str, PureWindowsPath]:
    ws = Workspace(Path("W"))
    rel = (lambda p: PureWindowsPath(p.relative_to(ws.root)))  # noqa: E731
    # ASCII names: as many characters as bytes (a Vietnamese letter takes 2–3 bytes, 1 character)
    stored = fit_name(f"{'0' * 12}-{'x' * 400}.xlsx")
    assert len(stored.encode()) == MAX_NAME_BYTES
    unit = max((u.code for u in UnitRegistry.from_file(DEFAULT_UNITS_FILE).units), key=len)
    accepted = ws.archive / "KTCV" / "2024-H1" / unit / stored
    feedback_end = "-phan-hoi.xlsx"
    feedback = (ws.outbox / "phan-hoi" / max(unit, UNKNOWN_UNIT, key=len)
                / fit_name(f"{'x' * 400}{feedback_end}", ending=feedback_end))
    paths = {
        "accepted": accepted,
        "accepted, being copied": accepted.with_name(f".{stored}.partial"),
        "duplicate, being copied": ws.archive / "trung-lap" / f".{stored}.partial",
        "e-mail or zip member": ws.archive / STAGING / ("0" * 16) / stored,
        "rejected, explanation": ws.rejected / f"{stored}.loi.txt",
        "rejected, being copied": ws.rejected / f".{stored}.partial",
        "feedback copy, being written": temporary_beside(feedback).with_name(
            temporary_beside(feedback).name.replace(str(os.getpid()), LONGEST_PID)),
    }
    return {k: rel(p) for k, p in paths.items()}


def longest_inside() -> int:
    return max(len(str(p)) for p in _longest_relative_paths().values())


def workspace_bound() -> int:
    """The longest workspace folder path (e.g. `D:\\TongHop`) for which every path a run writes
    stays within Windows' limit."""
    return MAX_PATH - 1 - longest_inside()  # 1: the separator after the workspace folder


def test_the_guide_promises_no_longer_workspace_path_than_the_code_allows():
    text = GUIDE.read_text(encoding="utf-8")
    stated = re.search(r"đường dẫn thư mục làm việc không quá (\d+) ký tự", text)
    assert stated, "the guide states the longest workspace path"
    bound = workspace_bound()
    assert int(stated.group(1)) <= bound, (stated.group(0), bound, _longest_relative_paths())
    # and not needlessly less: the figure follows the code
    assert int(stated.group(1)) >= bound - 5, (stated.group(0), bound)


def test_a_run_with_over_long_names_writes_no_longer_path_than_computed(tmp_path: Path):
    root = tmp_path / "ws"
    (root / "inbox").mkdir(parents=True)
    [blank] = api.make_templates(root, form="KTCV", period="2024-H1", per_unit=False)
    vietnamese = ("Báo cáo rất dài " * 10)[:120].rstrip()
    openpyxl.load_workbook(blank).save(root / "inbox" / f"{vietnamese}.xlsx")  # blank: rejected
    unit = max((u.code for u in UnitRegistry.from_file(DEFAULT_UNITS_FILE).units), key=len)
    fill_by_contract(blank, root / "inbox" / f"{'x' * 240}.xlsx",  # ASCII: longest in characters
                     sample_values(unit), unit=unit, period="2024-H1")
    api.run(root, as_of=date(2024, 6, 20))
    written = [p for p in root.rglob("*") if p.is_file()]
    assert any("rejected" in p.parts for p in written)
    assert any(unit in p.parts and "archive" in p.parts for p in written)
    longest = max(len(str(PureWindowsPath(p.relative_to(root)))) for p in written)
    assert longest <= longest_inside(), max(written, key=lambda p: len(str(p)))
