"""The decoded round table the ledger keeps: the same table as decoding every submission's cells,
whatever came in since it was kept (issue 16)."""

import json
from datetime import datetime

import pandas as pd

from aggregator.ledger import Ledger, NewSubmission, round_table


def _sub(n: int, unit: str, received: str, values: dict, status="accepted") -> NewSubmission:
    return NewSubmission(f"sha{n}", f"{n}.xlsx", f"{n}.xlsx", f"/a/{n}.xlsx",
                         datetime.fromisoformat(received), status, unit, "KTCV", "2024-H1",
                         {code: (v, "Biểu", "D7") for code, v in values.items()}, [])


def _decoded_afresh(ledger: Ledger) -> pd.DataFrame:
    rows = ledger.conn.execute(
        "SELECT s.id, s.unit, c.cells FROM submissions s JOIN submission_cells c"
        " ON c.submission_id = s.id WHERE s.form = 'KTCV' AND s.period = '2024-H1'"
        " AND s.status = 'accepted' AND s.superseded_by IS NULL"
        " ORDER BY s.unit, s.instance, s.id").fetchall()
    return round_table.decode([tuple(r) for r in rows]).frame


def test_kept_table_follows_new_and_superseded_submissions(tmp_path, monkeypatch):
    from aggregator.ledger import db

    monkeypatch.setattr(db, "STORE_AFTER", 0)  # store after every change: the stored path too
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path, keeps_tables=True) as ledger:
        run = ledger.start_run("2024-07-01")
        ledger.record_many(run, [
            _sub(1, "B", "2024-06-01T08:00", {"1": 1.0, "18": "bản một"}),
            _sub(2, "A", "2024-06-01T08:00", {"1": 2.0, "2": None}),
            _sub(3, "C", "2024-06-01T08:00", {}),  # no cells at all
        ])
        pd.testing.assert_frame_equal(ledger.in_force_values("KTCV", "2024-H1"),
                                      _decoded_afresh(ledger))
    with Ledger(path, keeps_tables=True) as ledger:  # the next run: from the stored table
        run = ledger.start_run("2024-07-02")
        ledger.record_many(run, [
            _sub(4, "B", "2024-06-02T08:00", {"1": 5.0, "18": "bản hai\u202e"}),  # replaces 1
            _sub(5, "AA", "2024-06-02T08:00", {"1": 7.0}),
            _sub(6, "A", "2024-06-03T08:00", {"1": 9.0}, status="rejected"),
        ])
        table = ledger.in_force_values("KTCV", "2024-H1")
        pd.testing.assert_frame_equal(table, _decoded_afresh(ledger))
        assert table["unit"].tolist() == ["A", "A", "AA", "B", "B"]
        assert table[table["unit"] == "B"]["number"].tolist()[0] == 5.0
    with Ledger(path) as ledger:  # a read-only verb reads the stored table
        pd.testing.assert_frame_equal(ledger.in_force_values("KTCV", "2024-H1"),
                                      _decoded_afresh(ledger))


def test_table_survives_its_bytes():
    rows = [(3, "X", json.dumps({"a": [1.5, None, "S", "A1"], "b": [None, "chữ", "S", "B1"]})),
            (1, "Y", json.dumps({})), (2, "Z", json.dumps({"a": [None, None, "S", "A1"]}))]
    table = round_table.decode(rows)
    again = round_table.from_bytes(round_table.to_bytes(table))
    pd.testing.assert_frame_equal(again.frame, table.frame)
    assert again.key == table.key == [(3, "X"), (1, "Y"), (2, "Z")]
    assert again.counts.tolist() == table.counts.tolist() == [2, 0, 1]


def test_an_unreadable_stored_table_is_decoded_again(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        run = ledger.start_run("2024-07-01")
        ledger.record_many(run, [_sub(1, "A", "2024-06-01T08:00", {"1": 1.0})])
        ledger.conn.execute("INSERT INTO round_tables VALUES ('KTCV', '2024-H1', x'00')")
        pd.testing.assert_frame_equal(ledger.in_force_values("KTCV", "2024-H1"),
                                      _decoded_afresh(ledger))
