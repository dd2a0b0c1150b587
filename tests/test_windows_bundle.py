"""The offline Windows bundle (`make windows-bundle`): built here, its contents checked, and — where
Wine is installed (.ci/run installs it) — its launchers run in Wine's cmd.exe: `khoi-tao.bat`
creates a workspace whose launchers call the bundle's python.exe, the demo runs, and
`chay-tong-hop.bat` takes in a file with a Vietnamese name; the Word reports open in LibreOffice.

The build is cached under .cache/ (keyed by the lock, the sources and the build script), so only
the first run after a change pays for it. Wine 8 gaps handled here, never in the bundle:
bcryptprimitives.dll (a stand-in built with mingw into the test's own Wine prefix); the process
pool hangs on Wine's pipes (AGGREGATOR_WORKERS=1); Python dies at start when its stdout is a
regular file (output piped).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import subprocess
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from aggregator import api
from aggregator.pipeline.workers import WORKERS_ENV, default_processes
from aggregator.workspace import launchers
from tests.conftest import (
    fill_by_contract,
    libreoffice_convert_all,
    sample_values,
    set_mtime,
    soffice,
)

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "scripts" / "windows"
CACHE = ROOT / ".cache"


def _build_module():
    spec = importlib.util.spec_from_file_location("build_bundle", SCRIPTS / "build_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=10).close()
        return True
    except OSError:
        return False


@pytest.fixture(scope="module")
def bundle_zip() -> Path:
    build = _build_module()
    try:
        return build.build(CACHE / "windows-bundle" / "test-dist", CACHE / "windows-bundle")
    except subprocess.CalledProcessError as error:
        if not _pypi_reachable():
            pytest.skip(f"the bundle needs downloads from PyPI, which is unreachable: {error}")
        raise


def test_worker_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv(WORKERS_ENV, "1")
    assert default_processes() == 1
    monkeypatch.setenv(WORKERS_ENV, "nhiều")  # not a number: the default
    assert default_processes() == min(os.cpu_count() or 1, 8)


def test_bundle_holds_the_embeddable_python_the_locked_wheels_and_the_launchers(bundle_zip: Path):
    build = _build_module()
    assert bundle_zip.name == f"aggregator-{build.project_version()}-windows-x64.zip"
    with zipfile.ZipFile(bundle_zip) as z:
        names = set(z.namelist())
        pth = z.read("python/python313._pth")
        for name, text in launchers.bundle_launchers().items():
            assert z.read(name) == text.encode("utf-8"), name
        first_steps = z.read("DOC-TRUOC.txt").decode("utf-8-sig")
    assert pth == b"python313.zip\r\n.\r\nLib\\site-packages\r\nimport site\r\n"
    for name in ("python.exe", "python313.dll", "python313.zip", "vcruntime140.dll"):
        assert f"python/{name}" in names, name
    assert "python/_wmi.pyd" not in names  # importing pandas under Wine aborts on its WMI query
    assert not any(n.lower().endswith("bcryptprimitives.dll") for n in names)  # Wine stand-in only
    site = "python/Lib/site-packages/"
    assert f"{site}aggregator/__main__.py" in names
    assert f"{site}aggregator/_templates/forms/ktcv.yaml" in names or any(
        n.startswith(f"{site}aggregator/_templates/forms/") for n in names)
    assert f"{site}numpy-2.1.3.dist-info/METADATA" in names
    assert any(n.startswith(f"{site}numpy/") and n.endswith(".pyd") for n in names)
    # Windows wheels only, no Linux leftovers, no byte code of the build machine's Python
    assert not [n for n in names if n.endswith(".so") or ".so." in n or n.endswith(".pyc")]
    assert not any(n.startswith(f"{site}bin/") for n in names)
    # every locked package that applies on Windows is there, at its locked version
    for line in build.windows_requirements(build.LOCK).splitlines():
        name, version = line.split(" ")[0].split("==")
        info = f"{site}{name.replace('-', '_')}-{version}.dist-info/".lower()
        assert any(n.lower().startswith(info) for n in names), line
    assert "D:\\TongHop\\chuong-trinh" in first_steps and "khoi-tao.bat" in first_steps
    assert 20e6 < bundle_zip.stat().st_size < 150e6


# --- Wine -----------------------------------------------------------------------------------------

def _wine() -> str | None:
    for candidate in (shutil.which("wine"), shutil.which("wine64"), "/usr/lib/wine/wine64"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


MINGW = "x86_64-w64-mingw32-gcc"


def _windows_path(path: Path) -> str:
    return "Z:" + str(path.resolve()).replace("/", "\\")


@pytest.fixture(scope="module")
def wine_env() -> dict[str, str]:
    wine = _wine()
    if wine is None:
        pytest.skip("Wine is not installed (apt-get install wine64; .ci/run installs it)")
    if shutil.which(MINGW) is None:
        pytest.skip(f"{MINGW} is not installed (apt-get install gcc-mingw-w64-x86-64-win32): "
                    "needed for the bcryptprimitives.dll stand-in Wine 8 lacks")
    prefix = CACHE / "wine-test-prefix"
    env = {**os.environ, "WINEPREFIX": str(prefix), "WINEDEBUG": "-all",
           "WINEDLLOVERRIDES": "mscoree,mshtml=", WORKERS_ENV: "1", "WINE": wine}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    system32 = prefix / "drive_c" / "windows" / "system32"
    if not system32.is_dir():
        prefix.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([wine, "wineboot", "-i"], env=env, capture_output=True, timeout=600)
    assert system32.is_dir(), f"wineboot did not create the prefix {prefix}"
    # Wine 8 has no bcryptprimitives.dll (ProcessPrng, used by Rust's std in pydantic-core and
    # python-calamine): a stand-in in this prefix only
    dll = system32 / "bcryptprimitives.dll"
    subprocess.run([MINGW, "-shared", "-O2", "-o", str(dll), str(SCRIPTS / "bcryptprimitives.c"),
                    str(SCRIPTS / "bcryptprimitives.def"), "-ladvapi32"], check=True, timeout=300)
    return env


def _cmd(env: dict[str, str], bat: Path, *args: str) -> subprocess.CompletedProcess:
    """`wine cmd /c <bat> args`, output piped (Python dies at start on a regular file under Wine);
    a key press on stdin for any `pause`."""
    proc = subprocess.run([env["WINE"], "cmd", "/c", _windows_path(bat), *args], env=env,
                          input=b"\r\n\r\n\r\n", capture_output=True, timeout=1800)
    proc.text = (proc.stdout + proc.stderr).decode("utf-8", errors="replace")
    return proc


def test_launchers_run_the_bundle_under_wine(bundle_zip: Path, wine_env, tmp_path: Path):
    office = tmp_path / "TongHop"  # the workspace; the bundle unzipped into its chuong-trinh
    program = office / "chuong-trinh"
    with zipfile.ZipFile(bundle_zip) as z:
        z.extractall(program)
    python_exe = program / "python" / "python.exe"

    # khoi-tao.bat: the workspace in the parent folder, its launchers calling the bundle by path
    init = _cmd(wine_env, program / launchers.INIT_BAT)
    assert init.returncode == 0, init.text
    run_bat = (office / launchers.RUN_BAT).read_bytes().decode("utf-8")
    assert f'set "PY={_windows_path(python_exe)}"' in run_bat, run_bat
    assert (office / "aggregator.toml").is_file() and (office / "don-vi.xlsx").is_file()

    # the demo, through the bundle's command-line launcher
    demo = tmp_path / "demo"
    proc = _cmd(wine_env, program / launchers.CLI_BAT, "demo", "--workspace", _windows_path(demo))
    assert proc.returncode == 0, proc.text
    demo_reports = sorted((demo / "outbox").rglob("bao-cao-*.docx"))
    assert len(demo_reports) >= 3, proc.text

    # the monthly run through the workspace's launcher, as Task Scheduler starts it, on a file
    # whose name is Vietnamese
    [blank] = api.make_templates(office, form="KTCV", period="2024-H1", per_unit=False)
    received = office / "inbox" / "Báo cáo KTCV 6 tháng đầu năm - Sở Tư pháp.xlsx"
    fill_by_contract(blank, received, sample_values("STP"), unit="STP", period="2024-H1")
    set_mtime(received, datetime(2024, 6, 10, 9, 0))
    proc = _cmd(wine_env, office / launchers.RUN_BAT, launchers.AUTO_FLAG, "--as-of", "2024-06-20")
    assert proc.returncode == 0, proc.text
    assert not received.exists()
    [kept] = [p for p in (office / "archive").rglob("*.xlsx")]
    assert "Sở Tư pháp" in kept.name
    report = office / "outbox" / "2024-H1" / "bao-cao-KTCV-2024-H1.docx"
    assert report.is_file(), proc.text
    log = (office / "nhat-ky-tong-hop.txt").read_text(encoding="utf-8-sig")
    assert "1 tệp mới: 1 tiếp nhận" in log, log

    # a failing run: the exit code reaches the caller and the launcher says so in Vietnamese
    config = (office / "aggregator.toml").read_bytes()
    (office / "aggregator.toml").write_text("owner = [hỏng\n", encoding="utf-8")
    proc = _cmd(wine_env, office / launchers.RUN_BAT, launchers.AUTO_FLAG)
    assert proc.returncode == 2, proc.text
    # Wine's cmd.exe ignores `chcp 65001` when it has no console (its output is piped here), so
    # the launcher's own Vietnamese lines come out garbled; their ASCII parts tell which line ran
    assert b"XONG: " in proc.stdout and b" 2. " in proc.stdout, proc.text  # the failure line
    assert b"xong. Xem" not in proc.stdout  # not the success line
    assert "Tệp cấu hình" in proc.text  # Python's own message (PYTHONUTF8) is intact

    # kiem-tra.bat: a file dropped on it is checked, not taken in
    dropped = tmp_path / "Biểu gửi thử - Sở Y tế.xlsx"
    fill_by_contract(blank, dropped, sample_values("SYT"), unit="SYT", period="2024-H1")
    (office / "aggregator.toml").write_bytes(config)
    proc = _cmd(wine_env, office / launchers.CHECK_BAT, _windows_path(dropped))
    assert proc.returncode == 0, proc.text
    assert b" xong: " in proc.stdout and dropped.exists(), proc.text  # "Đã kiểm tra xong: …"
    assert "Kết quả kiểm tra" in proc.text, proc.text

    if soffice() is None:
        pytest.skip("LibreOffice is not installed: the reports Wine wrote were not opened")
    pdfs = libreoffice_convert_all([report, *demo_reports], "pdf", tmp_path / "pdf")
    assert all(p.is_file() and p.stat().st_size > 1000 for p in pdfs)
