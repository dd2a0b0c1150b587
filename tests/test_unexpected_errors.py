"""A failure nobody foresaw still ends in one Vietnamese line on screen; the run log keeps the
technical detail for support, and foreseen failures (disk full…) are logged in Vietnamese only."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from datetime import datetime

from aggregator.os_errors import user_message
from aggregator.pipeline import runlog


def test_disk_full_is_logged_in_vietnamese_without_the_errno_text():
    error = OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), "D:/TongHop/ledger.sqlite3")
    lines = runlog.failure_lines(datetime(2024, 7, 1, 8, 0), error)
    assert "Ổ đĩa đã đầy" in lines[1] and "ledger.sqlite3" in lines[1]
    assert not any("No space" in line or "Errno" in line for line in lines)
    assert len(lines) == 2


def test_a_bug_is_logged_with_its_detail_for_support():
    try:
        {}["khong-co"]
    except KeyError as exc:
        lines = runlog.failure_lines(datetime(2024, 7, 1, 8, 0), exc)
    assert "lỗi ngoài dự kiến (KeyError)" in lines[1]
    assert "nhat-ky-tong-hop.txt" in lines[1]
    assert lines[2].startswith("Chi tiết kỹ thuật")
    assert any("Traceback" in line for line in lines[3:])
    assert any("test_unexpected_errors.py" in line for line in lines[3:])


def test_our_own_errors_are_foreseen():
    from aggregator.workspace.config import ConfigError

    message, foreseen = user_message(ConfigError("Tệp aggregator.toml, dòng 3: …"))
    assert foreseen and message.startswith("Tệp aggregator.toml")
    assert user_message(ValueError("boom"))[1] is False


def test_the_command_line_prints_one_vietnamese_line_for_a_bug(tmp_path):
    (tmp_path / "inbox").mkdir()
    code = ("import sys, aggregator.api as api\n"
            "def broken(*a, **k):\n    raise ZeroDivisionError('division by zero')\n"
            "api.status = broken\n"
            "from aggregator.cli import main\n"
            f"sys.argv = ['aggregator', 'status', '--workspace', {str(tmp_path)!r}]\n"
            "main()\n")
    env = {k: v for k, v in os.environ.items() if k != "AGGREGATOR_DEBUG"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("Lỗi: Chương trình gặp lỗi ngoài dự kiến")
