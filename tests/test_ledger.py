import sqlite3
from datetime import datetime

import pytest

from aggregator.ledger import MIGRATIONS, Ledger, NewSubmission, migrate


@pytest.fixture
def ledger():
    with Ledger(":memory:") as db:
        yield db


def sub(sha: str, received: str, status="accepted", unit="SNV", value=1.0) -> NewSubmission:
    return NewSubmission(sha, f"{sha}.xlsx", f"{sha}.xlsx", f"/a/{sha}.xlsx",
                         datetime.fromisoformat(received), status, unit, "KTCV", "2024-H1",
                         {"13": (value, "Biểu KTCV", "D46")}, [])


def test_migrations_are_recorded_and_not_reapplied(ledger):
    names = [r[0] for r in ledger.conn.execute("SELECT name FROM migrations")]
    assert names == [name for name, _ in MIGRATIONS]
    assert migrate(ledger.conn) == []


def test_latest_received_accepted_version_is_in_force(ledger):
    run = ledger.start_run("2024-07-01")
    first = ledger.record(run, sub("a", "2024-06-10T08:00", value=1))
    second = ledger.record(run, sub("b", "2024-06-12T08:00", value=2))
    older_arriving_late = ledger.record(run, sub("c", "2024-06-11T08:00", value=3))
    ledger.record(run, sub("d", "2024-06-13T08:00", status="rejected", value=4))
    values = ledger.in_force_values("KTCV", "2024-H1")
    assert values["number"].tolist() == [2.0]
    rows = {r["id"]: r["superseded_by"] for r in ledger.conn.execute("SELECT * FROM submissions")}
    assert rows[first] == second and rows[older_arriving_late] == second and rows[second] is None


def test_runs_are_recorded(ledger):
    run = ledger.start_run("2024-07-01")
    ledger.finish_run(run, 3, 2, 1, 0)
    row = ledger.conn.execute("SELECT * FROM runs").fetchone()
    assert (row["files_seen"], row["accepted"], row["rejected"]) == (3, 2, 1)
    assert row["finished_at"] is not None and row["tool_version"]


def test_values_written_before_004_survive_the_migration(tmp_path):
    """A ledger of an older release (values one row each) opens with its values intact, and the
    long view answers ad-hoc SQL the way the old table did."""
    import sqlite3

    path = tmp_path / "ledger.sqlite3"
    old = sqlite3.connect(path, isolation_level=None)
    old.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, sql in MIGRATIONS[:3]:
        for statement in filter(str.strip, sql.split(";")):
            old.execute(statement)
        old.execute("INSERT INTO migrations VALUES (?, datetime('now'))", (name,))
    old.execute("INSERT INTO runs (id, started_at, as_of, tool_version) VALUES (1, 'x', 'y', 'z')")
    old.execute("INSERT INTO submissions (id, run_id, sha256, original_name, inbox_path, stored_path,"
                " received_at, processed_at, unit, form, period, status) VALUES (1, 1, 'a', 'a.xlsx',"
                " 'a.xlsx', '/a', '2024-06-10T08:00:00', 'x', 'SNV', 'KTCV', '2024-H1', 'accepted')")
    old.executemany("INSERT INTO submission_values VALUES (1, ?, ?, ?, 'Biểu KTCV', ?)",
                    [("13", 7.0, None, "D46"), ("15", None, "Ưu điểm: đúng hạn", "D50")])
    old.close()
    with Ledger(path) as ledger:
        values = ledger.in_force_values("KTCV", "2024-H1").set_index("indicator")
        assert values.loc["13", "number"] == 7.0 and values.loc["15", "text"] == "Ưu điểm: đúng hạn"
        rows = ledger.conn.execute("SELECT indicator, number, text, sheet, cell FROM"
                                   " submission_values ORDER BY indicator").fetchall()
        assert [tuple(r) for r in rows] == [("13", 7.0, None, "Biểu KTCV", "D46"),
                                            ("15", None, "Ưu điểm: đúng hạn", "Biểu KTCV", "D50")]


def test_migration_statements_are_split_as_sqlite_parses_them():
    from aggregator.ledger.migrations import statements

    script = """
        CREATE TABLE t (note TEXT DEFAULT 'a; b');
        CREATE TRIGGER t_note AFTER INSERT ON t BEGIN
            UPDATE t SET note = note || ';' WHERE rowid = new.rowid;
        END;
        INSERT INTO t DEFAULT VALUES;
    """
    found = statements(script)
    assert len(found) == 3 and found[1].startswith("CREATE TRIGGER") and found[1].endswith("END;")
    conn = sqlite3.connect(":memory:")
    for statement in found:
        conn.execute(statement)
    assert conn.execute("SELECT note FROM t").fetchone() == ("a; b;",)
