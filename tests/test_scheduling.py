"""`run` is safe to schedule: it logs every run in the workspace, stays quiet unless something needs
a person, reports its progress to whoever asks, and a second run waits its turn (test_cli)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from aggregator import api
from aggregator.pipeline.runlog import LOG_FILE
from tests.conftest import fill_by_contract, sample_values, set_mtime
from tests.test_pipeline import ON_TIME


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def drop(blank: Path, root: Path, unit: str, name: str, when: datetime = ON_TIME,
         **changes: object) -> Path:
    f = fill_by_contract(blank, root / "inbox" / name, sample_values(unit) | changes, unit, "2024-H1")
    set_mtime(f, when)
    return f


def test_quiet_run_says_nothing_when_all_is_well_and_logs_every_run(blank_ktcv: Path):
    root = blank_ktcv.parents[3]
    drop(blank_ktcv, root, "STP", "Sở Tư pháp.xlsx")
    quiet = cli("run", "--workspace", str(root), "--as-of", "2024-07-01", "--quiet")
    assert quiet.returncode == 0 and quiet.stdout == "" and quiet.stderr == ""
    log = (root / LOG_FILE).read_bytes()
    assert log.startswith(b"\xef\xbb\xbf")  # Notepad reads it as UTF-8
    text = log.decode("utf-8-sig")
    assert "tổng hợp đến ngày 01/7/2024" in text
    assert "1 tệp mới: 1 tiếp nhận (0 muộn), 0 trả lại, 0 trùng lặp." in text
    assert "KTCV 6 tháng đầu năm 2024: đã nộp 1/29" in text

    drop(blank_ktcv, root, "SNV", "Sở Nội vụ.xlsx", **{"1": 10_000})
    drop(blank_ktcv, root, "SYT", "Sở Y tế.xlsx", when=datetime(2024, 6, 20, 8))
    loud = cli("run", "--workspace", str(root), "--as-of", "2024-07-01", "--quiet")
    assert loud.returncode == 0
    assert "Sở Nội vụ.xlsx" in loud.stdout and "1 trả lại" in loud.stdout
    text = (root / LOG_FILE).read_text(encoding="utf-8-sig")
    assert text.count("=== ") == 2
    assert "Trả lại: Sở Nội vụ.xlsx" in text and "Tiếp nhận nhưng gửi muộn: Sở Y tế.xlsx (SYT)" in text
    rejected_block = text[text.index("Trả lại: Sở Nội vụ.xlsx"):]
    assert "    - " in rejected_block.splitlines()[1]  # the error itself, indented under the file


def test_a_failed_run_is_logged_too(tmp_path: Path):
    root = tmp_path / "ws"
    assert cli("init", "--workspace", str(root)).returncode == 0
    (root / "aggregator.toml").write_text('owner = "KHONG-CO"\n', encoding="utf-8")
    proc = cli("run", "--workspace", str(root), "--quiet")
    assert proc.returncode == 2 and "KHONG-CO" in proc.stderr
    text = (root / LOG_FILE).read_text(encoding="utf-8-sig")
    assert "LỖI, chưa tổng hợp được" in text and "KHONG-CO" in text


def test_run_reports_progress_as_files_are_read(blank_ktcv: Path):
    root = blank_ktcv.parents[3]
    units = ["STP", "SNV", "SYT", "STC", "SCT"]
    for unit in units:
        drop(blank_ktcv, root, unit, f"{unit}.xlsx")
    calls: list[tuple[int, int]] = []
    api.run(root, date(2024, 7, 1), progress=lambda done, total: calls.append((done, total)))
    assert calls == [(n, len(units)) for n in range(1, len(units) + 1)]
