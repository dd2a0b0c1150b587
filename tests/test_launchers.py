"""The Windows launchers' text (the Wine test in test_windows_bundle.py runs them in cmd.exe)."""

from __future__ import annotations

import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from aggregator.workspace import launchers
from aggregator.workspace.init import init_workspace

WORKSPACE = launchers.workspace_launchers(r"C:\P\python.exe")
ALL = {**{f"bundle/{k}": v for k, v in launchers.bundle_launchers().items()},
       **{f"workspace/{k}": v for k, v in WORKSPACE.items()}}


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_launcher_is_crlf_utf8_with_the_code_page_set_before_any_vietnamese(name):
    text = ALL[name]
    data = text.encode("utf-8")
    assert not data.startswith(b"\xef\xbb\xbf")  # a BOM would break "@echo off"
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert unicodedata.is_normalized("NFC", text)
    lines = text.split("\r\n")
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
    assert 'set "PYTHONUTF8=1"' in lines
    # cmd.exe decodes each line with the code page in force: all Vietnamese after chcp 65001
    assert all(line.isascii() for line in lines[:2])
    assert any(not line.isascii() for line in lines)  # and the lines a clerk reads are Vietnamese
    # "%~dp0" ends with a backslash: \" before the closing quote would escape it for Python
    assert '%~dp0"' not in text
    for line in lines:
        if line.lower().startswith("echo "):
            assert not re.search(r"[<>|&]", line), line  # would be cmd.exe operators, not text


@pytest.mark.parametrize("name", sorted(n for n in ALL if "aggregator.bat" not in n))
def test_the_interpreter_is_called_by_path_and_the_exit_code_is_checked(name):
    text = ALL[name]
    lines = text.split("\r\n")
    assert not any(re.match(r"\s*aggregator\s", line) for line in lines)  # no bare "aggregator"
    if "mo-thu-muc" in name:
        assert 'start "" "%WS%"' in lines
        return
    [call] = [line for line in lines if line.startswith('"%PY%" -m aggregator ')]
    after = lines[lines.index(call) + 1:]
    assert after[:2] == ["set MA=%ERRORLEVEL%", 'if "%MA%"=="0" goto xong']
    failure = after[3]
    assert failure.startswith("echo CHƯA ") and "mã lỗi %MA%" in failure
    assert "exit /b %MA%" in lines
    assert 'if not exist "%PY%" goto khong_co_python' in lines


def test_bundle_launchers_find_python_next_to_themselves_and_the_workspace_above():
    for name, text in launchers.bundle_launchers().items():
        assert 'set "PY=%~dp0python\\python.exe"' in text or \
            '"%~dp0python\\python.exe" -m aggregator %*' in text, name
    assert 'set "WS=%~dp0.."' in launchers.bundle_launchers()[launchers.RUN_BAT]


def test_the_monthly_run_pauses_only_when_run_by_hand():
    text = launchers.bundle_launchers()[launchers.RUN_BAT]
    lines = text.split("\r\n")
    assert [line for line in lines if "pause" in line] == ["if not defined TU_DONG pause"]
    assert f'if /i "%~1"=="{launchers.AUTO_FLAG}" (set "TU_DONG=1") else set THEM=%THEM% %1' \
        in lines
    assert "if defined TU_DONG set THEM=%THEM% --quiet" in lines
    assert "Xem báo cáo trong thư mục outbox" in text.split(":xong")[1]  # only after success
    # the drop target and the one-off launchers pause: they are only ever run by hand
    for name in (launchers.CHECK_BAT, launchers.INIT_BAT):
        assert "\r\npause\r\n" in launchers.bundle_launchers()[name]


def test_percent_signs_in_the_interpreter_path_survive_cmd(tmp_path: Path):
    text = launchers.workspace_launchers(r"C:\50%\python.exe")[launchers.RUN_BAT]
    assert r'set "PY=C:\50%%\python.exe"' in text


def test_init_writes_launchers_for_this_interpreter_and_updates_only_its_own(tmp_path: Path):
    root = tmp_path / "Tổng hợp"
    created = init_workspace(root)
    names = (launchers.RUN_BAT, launchers.CHECK_BAT, launchers.OPEN_BAT)
    for name in names:
        assert root / name in created
        text = (root / name).read_bytes().decode("utf-8")
        assert f'set "PY={sys.executable}"' in text and 'set "WS=%~dp0."' in text
    # launchers of an earlier init (another interpreter: a bundle since moved; or the old bare
    # "aggregator" one) are brought up to date; one the user wrote is left alone
    (root / launchers.RUN_BAT).write_bytes(
        launchers.workspace_launchers(r"D:\cu\python\python.exe")[launchers.RUN_BAT].encode())
    (root / launchers.CHECK_BAT).write_bytes(b"@echo off\r\nrem mine\r\n")
    (root / launchers.OPEN_BAT).write_bytes(launchers.LEGACY_RUN_BAT.encode("utf-8"))
    again = init_workspace(root)
    assert root / launchers.RUN_BAT in again and root / launchers.OPEN_BAT in again
    assert root / launchers.CHECK_BAT not in again
    assert (root / launchers.CHECK_BAT).read_bytes() == b"@echo off\r\nrem mine\r\n"
    assert sys.executable in (root / launchers.RUN_BAT).read_text(encoding="utf-8")
    assert init_workspace(root) == [root / "inbox", root / "outbox"]  # nothing left to update


def test_init_from_the_command_line_writes_the_launchers(tmp_path: Path):
    root = tmp_path / "ws"
    proc = subprocess.run([sys.executable, "-m", "aggregator", "init", "--workspace", str(root)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert proc.returncode == 0, proc.stderr
    for name in (launchers.RUN_BAT, launchers.CHECK_BAT, launchers.OPEN_BAT):
        assert launchers.is_ours((root / name).read_text(encoding="utf-8")), name


@pytest.mark.parametrize("name", sorted(n for n in ALL if "aggregator.bat" not in n))
def test_the_workspace_is_a_full_path_that_never_ends_in_a_backslash(name):
    lines = ALL[name].split("\r\n")
    at = lines.index('for %%I in ("%WS%") do set "WS=%%~fI"')  # ..\ resolved for the messages
    assert lines[at - 1].startswith('set "WS=%~dp0.')
    assert lines[at + 1] == 'if "%WS:~-1%"=="\\" set "WS=%WS%."'  # a drive root: D:\. not D:\"
