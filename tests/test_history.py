"""Versions over time: history of a unit, per-unit status, and the received-time setting."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

from aggregator import api
from tests.conftest import fill_by_contract, sample_values, set_mtime

AS_OF = date(2024, 7, 1)


def _drop(root: Path, name: str, values: dict, when: datetime) -> Path:
    blank = root / "outbox/bieu-mau/2024-H1/theo-don-vi/KTCV-2024-H1-STP.xlsx"
    f = fill_by_contract(blank, root / "inbox" / name, values)
    set_mtime(f, when)
    return f


def test_history_shows_every_version_and_what_is_in_force(tmp_path: Path):
    root = tmp_path / "ws"
    api.make_templates(root, form="KTCV", period="2024-H1")
    first = sample_values("STP")
    _drop(root, "lần 1.xlsx", first, datetime(2024, 6, 10, 8))
    api.run(root, AS_OF)
    _drop(root, "lần 2 sai.xlsx", first | {"1": 999}, datetime(2024, 6, 12, 8))
    api.run(root, AS_OF)
    status = api.status(root, AS_OF, "KTCV", "2024-H1")
    [round_] = status.rounds
    stp = next(u for u in round_.units if u.code == "STP")
    assert (stp.status, stp.file) == ("on_time", "lần 1.xlsx")  # the rejected one leaves it in force
    _drop(root, "lần 3.xlsx", first | {"13": int(first["13"]) + 1}, datetime(2024, 6, 14, 8))
    api.run(root, AS_OF)
    entries = api.history(root, "stp")
    assert [(e.file, e.status, e.in_force) for e in entries] == [
        ("lần 1.xlsx", "accepted", False), ("lần 2 sai.xlsx", "rejected", False),
        ("lần 3.xlsx", "accepted", True)]
    assert entries[0].superseded_by == "lần 3.xlsx" and entries[1].errors == 1
    note = next((root / "rejected").glob("*.loi.txt")).read_text(encoding="utf-8-sig")
    assert "lần 1.xlsx" in note and "vẫn được sử dụng" in note

    proc = subprocess.run([sys.executable, "-m", "aggregator", "history", "--unit", "STP",
                           "--workspace", str(root), "--json"], capture_output=True, text=True)
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert [s["in_force"] for s in doc["submissions"]] == [False, False, True]

    proc = subprocess.run([sys.executable, "-m", "aggregator", "history", "--unit", "KHONGCO",
                           "--workspace", str(root)], capture_output=True, text=True)
    assert proc.returncode == 2 and "KHONGCO" in proc.stderr


def test_received_time_can_be_the_arrival_instead_of_the_save_time(tmp_path: Path):
    root = tmp_path / "ws"
    api.make_templates(root, form="KTCV", period="2024-H1")
    _drop(root, "cũ.xlsx", sample_values("STP"), datetime(2024, 6, 1, 8))
    (root / "aggregator.toml").write_text('received_time = "arrival"\n', encoding="utf-8")
    [f] = api.run(root, date(2024, 12, 31)).files
    assert f.late is True  # arrived "today", long after the 2024 deadline
    [entry] = api.history(root, "STP")
    # the arrival — this run's day, which --as-of sets ("coi hôm nay là ngày này") — not the save
    # time 2024-06-01 (a fixed day: nothing here depends on when the test runs)
    assert entry.received_at[:10] == "2024-12-31"
