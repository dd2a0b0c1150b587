"""A run killed (SIGKILL, like a power cut) at any point is completed by the next run: every original
kept exactly once, nothing counted twice, the same totals as an uninterrupted run. And two runs never
collide: a second one is refused while the first holds the lock; a dead run's lock is recovered."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from aggregator import api
from aggregator.ledger import Ledger
from aggregator.os_errors import INTERRUPTED
from tests.conftest import fill_by_contract, sample_values, set_mtime

AS_OF = date(2024, 7, 1)
UNITS = ["STP", "SNV", "SYT", "164", "SXD"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def scenario(tmp_path_factory) -> Path:
    """A workspace with six files in its inbox: accepted, rejected (wrong sum) and a duplicate."""
    root = tmp_path_factory.mktemp("scenario") / "ws"
    forms = {p.stem.rsplit("-", 1)[-1]: p for p in
             api.make_templates(root, form="KTCV", period="2024-H1") if "theo-don-vi" in p.parts}
    for n, code in enumerate(UNITS):
        values = sample_values(code, size=1 if code.isdigit() else 0)
        if code == "SXD":
            values["1"] = int(values["1"]) + 1
        f = fill_by_contract(forms[code], root / "inbox" / f"thư mục {n % 2}" / f"{code}.xlsx", values)
        set_mtime(f, datetime(2024, 6, 1 + n, 9))
    shutil.copy2(root / "inbox" / "thư mục 0" / "STP.xlsx", root / "inbox" / "bản sao STP.xlsx")
    return root


def _clone(scenario: Path, dest: Path) -> Path:
    shutil.copytree(scenario, dest)
    return dest


def _run_cli(root: Path, fault: str | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("AGGREGATOR_FAULT", None)
    if fault:
        env["AGGREGATOR_FAULT"] = fault
    return subprocess.run([sys.executable, "-m", "aggregator", "run", "--workspace", str(root),
                           "--as-of", AS_OF.isoformat(), "--json"],
                          capture_output=True, text=True, env=env, timeout=300)


def _kept(root: Path) -> list[str]:
    """Hashes of every file kept in the archive and rejected/ (explanations and temp files aside)."""
    return sorted(_sha(p) for folder in ("archive", "rejected") for p in (root / folder).rglob("*")
                  if p.is_file() and not p.name.endswith(".loi.txt") and not p.name.startswith("."))


def _ledger_state(root: Path) -> tuple[list, dict]:
    with Ledger(root / "ledger.sqlite3") as ledger:
        subs = sorted((r["sha256"], r["status"]) for r in ledger.conn.execute(
            "SELECT sha256, status FROM submissions"))
        values = ledger.in_force_values("KTCV", "2024-H1")
        totals = values.groupby("indicator")["number"].sum().to_dict()
    return subs, totals


@pytest.fixture(scope="module")
def reference(scenario, tmp_path_factory) -> tuple[list[str], list, dict]:
    root = _clone(scenario, tmp_path_factory.mktemp("reference") / "ws")
    originals = sorted(_sha(p) for p in (root / "inbox").rglob("*.xlsx"))
    proc = _run_cli(root)
    assert proc.returncode == 0, proc.stderr
    assert _kept(root) == originals
    return originals, *_ledger_state(root)


@pytest.mark.parametrize("fault", [
    "before-copy:1", "before-copy:4", "after-copy:1", "after-copy:5", "mid-ledger:1",
    "mid-ledger:4", "mid-ledger:6", "before-release:1", "before-release:3", "before-release:6",
])
def test_killed_run_is_completed_by_the_next(scenario, reference, tmp_path, fault):
    originals, subs, totals = reference
    root = _clone(scenario, tmp_path / "ws")
    killed = _run_cli(root, fault)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    # nothing lost at the moment of the crash: each original is in the inbox or kept
    in_inbox = [_sha(p) for p in (root / "inbox").rglob("*.xlsx")]
    assert set(originals) <= set(in_inbox) | set(_kept(root))
    again = _run_cli(root)
    assert again.returncode == 0, again.stderr
    assert list((root / "inbox").rglob("*.xlsx")) == []
    assert _kept(root) == originals  # every original exactly once
    assert _ledger_state(root) == (subs, totals)  # no double counting, same totals
    assert _run_cli(root).returncode == 0 and _ledger_state(root) == (subs, totals)


def test_a_second_run_is_refused_while_one_holds_the_lock(scenario, tmp_path):
    root = _clone(scenario, tmp_path / "ws")
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from filelock import FileLock; "
         f"l = FileLock({str(root / '.aggregator.lock')!r}); l.acquire(); "
         "print('locked', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        refused = _run_cli(root)
        assert refused.returncode == 2
        assert "Một phiên tổng hợp khác đang chạy" in refused.stderr
        assert len(list((root / "inbox").rglob("*.xlsx"))) == 6  # untouched
    finally:
        holder.kill()  # a dead process: its lock must not block the next run
        holder.wait()
    assert (root / ".aggregator.lock").exists()
    assert _run_cli(root).returncode == 0


def test_file_still_being_written_is_left_for_the_next_run(tmp_path):
    """A file that grows while it is hashed (a copy still running) waits for the next run. The
    writer appends at the `hash` checkpoint: deterministic, no timing involved."""
    from aggregator.intake.scan import BEING_WRITTEN
    from aggregator.pipeline import faults

    root = tmp_path / "ws"
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    growing = inbox / "đang chép.xlsx"
    growing.write_bytes(b"x" * 1000)

    def still_copying(subject: Path | None) -> None:
        with growing.open("ab") as f:
            f.write(b"x" * 1000)

    with faults.on("hash", still_copying):
        result = api.run(root, AS_OF)
    [waiting] = result.files
    assert (waiting.name, waiting.status, waiting.reason) == ("đang chép.xlsx", "waiting",
                                                              BEING_WRITTEN)
    assert result.unsettled == ["đang chép.xlsx"]
    assert growing.exists() and growing.stat().st_size == 2000


def test_a_file_rewritten_in_place_while_being_kept_is_reported(tmp_path: Path):
    """The archive copy is a real copy of the bytes that were hashed: a program that rewrites the
    inbox file in place before it is released leaves the copy as it was. The file stays in the
    inbox for the next run and the run says so (log and screen), never silently."""
    from aggregator.intake import release, scan_inbox, store
    from aggregator.intake.archive import REWRITTEN
    from aggregator.pipeline.runlog import needs_attention, run_lines
    from aggregator.results import FileOutcome, RunResult

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    original = inbox / "Sở Tư pháp.xlsx"
    original.write_bytes(b"accepted version " * 100)
    os.utime(original, (1_700_000_000, 1_700_000_000))
    [item] = scan_inbox(inbox, 0).files
    stored = store(item, tmp_path / "archive")
    with original.open("r+b") as f:  # copy-and-replace onto the same file
        f.write(b"corrected version")
    assert release(item) == REWRITTEN and original.exists()
    assert not os.path.samefile(original, stored)
    assert stored.read_bytes() == b"accepted version " * 100

    kept = FileOutcome(item.relative, item.sha256, "accepted", "STP", "KTCV", "2024-H1", False,
                       [], [], stored, reason=REWRITTEN)
    result = RunResult(tmp_path, "2024-07-01", [kept], [], overwritten=[item.relative])
    text = "\n".join(run_lines(result, datetime(2024, 7, 1, 8), 1.0))
    assert needs_attention(result)
    assert f"Đã xử lý nhưng còn trong inbox 1 tệp – {REWRITTEN}: Sở Tư pháp.xlsx" in text


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")
@pytest.mark.parametrize("moment", ["before-copy:1", "mid-ledger:2", "before-release:3"])
def test_ctrl_c_stops_the_run_in_one_vietnamese_line_and_the_next_run_completes(tmp_path, moment):
    """Ctrl+C reaches the run and its worker processes alike (the console's process group). The
    run used to print English tracebacks from every worker, or hang waiting for them."""
    root = tmp_path / "ws"
    forms = [p for p in api.make_templates(root, form="KTCV", period="2024-H1")
             if "theo-don-vi" in p.parts]
    assert len(forms) >= 24  # the worker pool is running (AGGREGATOR_MIN_PARALLEL below)
    for form in forms:
        code = form.stem.rsplit("-", 1)[-1]
        set_mtime(fill_by_contract(form, root / "inbox" / f"{code}.xlsx",
                                   sample_values(code, size=1 if code.isdigit() else 0)),
                  datetime(2024, 6, 10, 9))
    originals = sorted(_sha(p) for p in (root / "inbox").rglob("*.xlsx"))
    env = {**os.environ, "AGGREGATOR_FAULT": f"{moment}:ctrl-c", "AGGREGATOR_MIN_PARALLEL": "24"}
    stopped = subprocess.run(
        [sys.executable, "-m", "aggregator", "run", "--workspace", str(root), "--as-of",
         AS_OF.isoformat()], capture_output=True, text=True, env=env, timeout=120,
        start_new_session=True)  # its own process group: the Ctrl+C reaches it alone
    assert stopped.returncode == 130, stopped.stderr
    lines = [line for line in stopped.stderr.splitlines() if line.strip()]
    assert lines == [f"Lỗi: {INTERRUPTED}"]  # no traceback, from the run or its workers
    log = (root / "nhat-ky-tong-hop.txt").read_text(encoding="utf-8-sig")
    assert "Đã dừng theo yêu cầu (Ctrl+C)" in log
    in_inbox = [_sha(p) for p in (root / "inbox").rglob("*.xlsx")]
    assert set(originals) <= set(in_inbox) | set(_kept(root))  # nothing lost
    again = _run_cli(root)
    assert again.returncode == 0, again.stderr
    assert list((root / "inbox").rglob("*.xlsx")) == []
    assert _kept(root) == originals
