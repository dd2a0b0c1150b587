"""`aggregator init`: a workspace the office runs from configuration and an Excel unit list."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import openpyxl

from aggregator import api
from aggregator.workspace.config import Config, load_config


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_init_creates_a_ready_workspace_and_never_overwrites(tmp_path: Path):
    root = tmp_path / "Tổng hợp"
    proc = cli("init", "--workspace", str(root))
    assert proc.returncode == 0, proc.stderr
    for name in ("aggregator.toml", "don-vi.xlsx", "chay-tong-hop.bat", "inbox", "outbox"):
        assert (root / name).exists(), name
    config = load_config(root)
    assert config.units_file == root / "don-vi.xlsx"
    assert config.model_copy(update={"units_file": None}) == Config()  # the commented file = defaults
    text = (root / "aggregator.toml").read_text(encoding="utf-8")
    assert "# Người ký" in text and "hạn gửi như kế hoạch ghi" in text
    bat = (root / "chay-tong-hop.bat").read_bytes().decode("utf-8")
    assert f'set "PY={sys.executable}"' in bat and "-m aggregator run" in bat and "\r\n" in bat
    (root / "aggregator.toml").write_text(text.replace('name = ""', 'name = "Nguyễn Văn An"'),
                                          encoding="utf-8")
    assert cli("init", "--workspace", str(root)).returncode == 0
    assert load_config(root).signer.name == "Nguyễn Văn An"


def _edit_units(path: Path, edit) -> None:
    wb = openpyxl.load_workbook(path)  # as a person would in Excel
    edit(wb.worksheets[0])
    wb.save(path)


def test_unit_list_edited_in_excel_drives_the_run(tmp_path: Path):
    root = tmp_path / "ws"
    cli("init", "--workspace", str(root))

    def edit(ws):
        for row in ws.iter_rows(min_row=2):
            if row[0].value == "SNV":
                row[1].value = "Sở Nội vụ tỉnh Thái Nguyên"
        ws.append(["SDL", "Sở Du lịch", "sở, ban, ngành", "19", "so-ban-nganh", None, None])

    _edit_units(root / "don-vi.xlsx", edit)
    names = {p.name for p in api.make_templates(root, form="KTCV", period="2024-H1")}
    assert "KTCV-2024-H1-SDL.xlsx" in names
    status = api.status(root, None, "KTCV", "2024-H1")
    [round_] = status.rounds
    assert round_.expected == 30
    assert next(u for u in round_.units if u.code == "SNV").name == "Sở Nội vụ tỉnh Thái Nguyên"


def test_broken_unit_lists_are_explained(tmp_path: Path):
    cases = {
        "trùng": lambda ws: ws.append(["SNV", "Sở Nội vụ (lặp)", "sở, ban, ngành", "19", "x"]),
        "không có trong danh mục": lambda ws: ws.append(["X1", "Đơn vị lạ", "xã", "999", "x"]),
        "vòng lặp": lambda ws: (ws.append(["A1", "Đơn vị A", "huyện", "B1", "x"]),
                                ws.append(["B1", "Đơn vị B", "huyện", "A1", "x"])),
    }
    for message, edit in cases.items():
        root = tmp_path / message
        cli("init", "--workspace", str(root))
        _edit_units(root / "don-vi.xlsx", edit)
        proc = cli("status", "--workspace", str(root))
        assert proc.returncode == 2, message
        assert message in proc.stderr and "Traceback" not in proc.stderr
