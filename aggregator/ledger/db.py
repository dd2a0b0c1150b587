"""The SQLite ledger: runs, submissions (every file ever seen), their values and issues."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pandas as pd

from aggregator import __version__
from aggregator.issues import Issue
from aggregator.ledger import round_table
from aggregator.ledger.migrations import migrate

STORE_AFTER = 200  # submissions decoded or dropped before a round's table is stored again


@dataclass(frozen=True)
class NewSubmission:
    sha256: str
    original_name: str
    inbox_path: str
    stored_path: str
    received_at: datetime
    status: str
    unit: str | None
    form: str | None
    period: str | None
    values: dict[str, tuple[float | str | None, str | None, str | None]]  # code → (value, sheet, cell)
    issues: list[Issue]
    instance: str = ""  # tells several files of one unit and period apart (DKT: inspection date)
    items: list[dict[str, float | str | None]] = field(default_factory=list)  # line-list rows
    container_sha256: str | None = None  # the e-mail or zip it came from


def _split(value: object) -> tuple[float | None, str | None]:
    """A value goes to the `number` or the `text` column."""
    kind = type(value)  # exact types first: this runs for every value of every file
    if kind is float or kind is int:
        return float(value), None
    if kind is str:
        return None, value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value), None
    return None, (value if isinstance(value, str) else None)


class Ledger:
    def __init__(self, path: Path | str, keeps_tables: bool = False):
        """`keeps_tables`: store the decoded round tables for the next run (runs that hold the
        workspace lock; a read-only verb only uses them)."""
        self.path = path
        self.keeps_tables = keeps_tables and str(path) != ":memory:"
        self._tables: dict[tuple[str, str], round_table.Table] = {}
        self._unstored: dict[tuple[str, str], int] = {}  # submissions decoded or dropped since
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA synchronous = FULL")
        migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # runs ---------------------------------------------------------------------------------------
    def start_run(self, as_of: str) -> int:
        cur = self.conn.execute(
            "INSERT INTO runs (started_at, as_of, tool_version) VALUES (?, ?, ?)",
            (datetime.now().isoformat(timespec="seconds"), as_of, __version__),
        )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, seen: int, accepted: int, rejected: int, duplicates: int) -> None:
        self.conn.execute(
            "UPDATE runs SET finished_at = ?, files_seen = ?, accepted = ?, rejected = ?, duplicates = ?"
            " WHERE id = ?",
            (datetime.now().isoformat(timespec="seconds"), seen, accepted, rejected, duplicates, run_id),
        )

    # submissions --------------------------------------------------------------------------------
    def find_shas(self, hashes: list[str], chunk: int = 500) -> dict[str, list[sqlite3.Row]]:
        """Hash → the submissions with that hash, oldest first (only hashes seen before)."""
        found: dict[str, list[sqlite3.Row]] = {}
        for start in range(0, len(hashes), chunk):
            part = hashes[start:start + chunk]
            for row in self.conn.execute(
                    f"SELECT * FROM submissions WHERE sha256 IN ({','.join('?' * len(part))})"
                    " ORDER BY id", part):
                found.setdefault(row["sha256"], []).append(row)
        return found

    def record(self, run_id: int, sub: NewSubmission) -> int:
        return self.record_many(run_id, [sub])[0]

    def record_many(self, run_id: int, subs: list[NewSubmission],
                    checkpoint: Callable[..., None] = lambda name, subject=None: None
                    ) -> list[int]:
        """Insert a batch of submissions in one transaction, settling which versions are in force.

        All or nothing: a run killed inside leaves the ledger as it was before the batch. Ids are
        assigned here (the write lock is held), so each table takes one `executemany`.
        """
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            first = self.conn.execute(
                "SELECT coalesce(max(id), 0) + 1 FROM submissions").fetchone()[0]
            ids = list(range(first, first + len(subs)))
            now = datetime.now().isoformat(timespec="seconds")
            self.conn.executemany(
                "INSERT INTO submissions (id, run_id, sha256, original_name, inbox_path,"
                " stored_path, received_at, processed_at, unit, form, period, status, instance,"
                " container_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(sid, run_id, sub.sha256, sub.original_name, sub.inbox_path, sub.stored_path,
                  sub.received_at.isoformat(timespec="seconds"), now, sub.unit, sub.form,
                  sub.period, sub.status, sub.instance, sub.container_sha256)
                 for sid, sub in zip(ids, subs)])
            cells, items, issues = [], [], []
            for sid, sub in zip(ids, subs):
                checkpoint("mid-ledger", Path(sub.inbox_path))
                if sub.values:
                    cells.append((sid, json.dumps(
                        {code: [*_split(value), sheet, cell]
                         for code, (value, sheet, cell) in sub.values.items()},
                        ensure_ascii=False)))
                items += [(sid, n, key, *_split(value))
                          for n, item in enumerate(sub.items, start=1)
                          for key, value in item.items()]
                issues += [(sid, i.code, i.severity, i.sheet, i.cell, i.indicator, i.message)
                           for i in sub.issues]
            self.conn.executemany("INSERT INTO submission_cells VALUES (?, ?)", cells)
            self.conn.executemany("INSERT INTO submission_items VALUES (?, ?, ?, ?, ?)", items)
            self.conn.executemany("INSERT INTO submission_issues VALUES (?, ?, ?, ?, ?, ?, ?)",
                                  issues)
            self._settle_in_force({(s.form, s.period, s.unit, s.instance) for s in subs
                                   if s.status == "accepted"})
        return ids

    # containers (e-mails, zips) -----------------------------------------------------------------
    def record_container(self, run_id: int, sha256: str, kind: str, inbox_path: str,
                         stored_path: str, received_at: datetime, received_from: str,
                         sender: str | None, subject: str | None, message_id: str | None,
                         status: str, reason: str | None) -> int:
        with self.conn:
            cur = self.conn.execute(
                "INSERT INTO containers (run_id, sha256, kind, inbox_path, stored_path,"
                " received_at, received_from, sender, subject, message_id, status, reason)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, sha256, kind, inbox_path, stored_path,
                 received_at.isoformat(timespec="seconds"), received_from, sender, subject,
                 message_id, status, reason))
        return int(cur.lastrowid)

    def unreleased_containers(self, hashes: list[str]) -> dict[str, int]:
        """Hash → id of containers already archived and recorded but still in the inbox."""
        if not hashes:
            return {}
        rows = self.conn.execute(
            f"SELECT sha256, id FROM containers WHERE released_at IS NULL AND sha256 IN"
            f" ({','.join('?' * len(hashes))})", hashes)
        return {row[0]: row[1] for row in rows}

    def released_containers(self, hashes: list[str]) -> set[str]:
        """Hashes of containers an earlier run took in and released (dropped in again now)."""
        if not hashes:
            return set()
        rows = self.conn.execute(
            f"SELECT sha256 FROM containers WHERE released_at IS NOT NULL AND sha256 IN"
            f" ({','.join('?' * len(hashes))})", hashes)
        return {row[0] for row in rows}

    def mark_container_released(self, container_id: int) -> None:
        with self.conn:
            self.conn.execute("UPDATE containers SET released_at = ? WHERE id = ?",
                              (datetime.now().isoformat(timespec="seconds"), container_id))

    def container_of(self, sha256: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM containers WHERE sha256 = ? ORDER BY id DESC",
                                 (sha256,)).fetchone()

    def mark_released(self, ids: list[int]) -> None:
        now = datetime.now().isoformat(timespec="seconds")
        with self.conn:  # one transaction: one sync, not one per file
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany("UPDATE submissions SET released_at = ? WHERE id = ?",
                                  [(now, i) for i in ids])

    def _settle_in_force(self, keys: set[tuple]) -> None:
        """For each (form, period, unit, instance) touched: the accepted version received last is
        in force; every other accepted one is superseded by it. Set-based, one pass per batch."""
        if not keys:
            return
        self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS touched"
                          " (form TEXT, period TEXT, unit TEXT, instance TEXT)")
        self.conn.execute("DELETE FROM touched")
        self.conn.executemany("INSERT INTO touched VALUES (?, ?, ?, ?)", list(keys))
        self.conn.execute(
            "UPDATE submissions SET superseded_by = newest.id"
            " FROM (SELECT s.form, s.period, s.unit, s.instance,"
            "        (SELECT x.id FROM submissions x WHERE x.status = 'accepted'"
            "          AND x.form = s.form AND x.period = s.period AND x.unit = s.unit"
            "          AND x.instance = s.instance ORDER BY x.received_at DESC, x.id DESC LIMIT 1)"
            "        AS id FROM touched s) AS newest"
            " WHERE submissions.status = 'accepted' AND submissions.form = newest.form"
            " AND submissions.period = newest.period AND submissions.unit = newest.unit"
            " AND submissions.instance = newest.instance")
        self.conn.execute(  # only the touched keys: years of history are not scanned
            "UPDATE submissions SET superseded_by = NULL WHERE id IN (SELECT x.id FROM touched t"
            " JOIN submissions x ON x.form = t.form AND x.period = t.period AND x.unit = t.unit"
            " AND x.instance = t.instance WHERE x.superseded_by = x.id)")

    # queries ------------------------------------------------------------------------------------
    def kept_in_force_over(self, ids: list[int]) -> dict[int, tuple[str, str]]:
        """Of these accepted submissions, those that came in but are not in force because a version
        saved later was already there: id → (that version's file name, its received time)."""
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(
            "SELECT s.id, x.original_name, x.received_at FROM submissions s"
            " JOIN submissions x ON x.id = s.superseded_by"
            f" WHERE s.status = 'accepted' AND s.id IN ({marks})", ids).fetchall()
        return {row[0]: (row[1], row[2]) for row in rows}

    def in_force_name(self, form: str, period: str, unit: str) -> str | None:
        """The file name of the unit's report in force for the round, if any."""
        row = self.conn.execute(
            "SELECT original_name FROM submissions WHERE status = 'accepted'"
            " AND superseded_by IS NULL AND form = ? AND period = ? AND unit = ?",
            (form, period, unit),
        ).fetchone()
        return row[0] if row else None

    def submissions(self, form: str, period: str) -> pd.DataFrame:
        """Every accepted or rejected submission of a round (duplicates excluded)."""
        return pd.read_sql_query(
            "SELECT * FROM submissions WHERE form = ? AND period = ? AND status != 'duplicate'"
            " ORDER BY received_at, id",
            self.conn, params=(form, period),
        )

    def in_force_values(self, form: str, period: str) -> pd.DataFrame:
        """Long table (unit, submission_id, indicator, number, text) of the versions in force for a
        round: submissions in (unit, instance, id) order, each one's cells in their stored order.
        Decoded once and kept (see round_table): only submissions newly in force are decoded."""
        cur = self.conn.cursor()
        cur.row_factory = None
        in_force = cur.execute(
            "SELECT id, unit FROM submissions WHERE form = ? AND period = ?"
            " AND status = 'accepted' AND superseded_by IS NULL ORDER BY unit, instance, id",
            (form, period)).fetchall()
        key = (form, period)
        kept = self._tables[key] if key in self._tables else self._stored_table(form, period)
        table, changes = round_table.update(kept, in_force, self._cells_of)
        self._tables[key] = table
        # Stored again only once it differs by many submissions from the stored one: a late file
        # is decoded again by the next runs (cheap) rather than the whole round written each run.
        self._unstored[key] = self._unstored.get(key, 0) + changes
        if self.keeps_tables and self._unstored[key] > max(STORE_AFTER, len(in_force) // 10):
            self._store_table(form, period, table)
            self._unstored[key] = 0
        return table.frame.copy(deep=False)

    def _cells_of(self, ids: list[int], chunk: int = 500) -> list[tuple[int, str, str]]:
        cur = self.conn.cursor()
        cur.row_factory = None
        rows = []
        for start in range(0, len(ids), chunk):
            part = ids[start:start + chunk]
            rows += cur.execute(
                "SELECT s.id, s.unit, coalesce(c.cells, '{}') FROM submissions s"
                " LEFT JOIN submission_cells c ON c.submission_id = s.id"
                f" WHERE s.id IN ({','.join('?' * len(part))})", part).fetchall()
        return rows

    def _stored_table(self, form: str, period: str) -> round_table.Table | None:
        row = self.conn.execute("SELECT data FROM round_tables WHERE form = ? AND period = ?",
                                (form, period)).fetchone()
        if row is None:
            return None
        try:
            return round_table.from_bytes(row[0])
        except (ValueError, KeyError, OSError, EOFError):
            return None  # unreadable: decoded again from the cells

    def _store_table(self, form: str, period: str, table: round_table.Table) -> None:
        try:
            with self.conn:
                self.conn.execute("INSERT OR REPLACE INTO round_tables VALUES (?, ?, ?)",
                                  (form, period, round_table.to_bytes(table)))
        except sqlite3.OperationalError:
            pass  # a cache only: the next run decodes again what it cannot find here

    def in_force_items(self, form: str, period: str) -> pd.DataFrame:
        """Long table (unit, submission_id, item_no, key, number, text) of line-list rows in force."""
        return pd.read_sql_query(
            "SELECT s.unit, s.id AS submission_id, i.item_no, i.key, i.number, i.text"
            " FROM submissions s JOIN submission_items i ON i.submission_id = s.id"
            " WHERE s.form = ? AND s.period = ? AND s.status = 'accepted' AND s.superseded_by IS NULL"
            " ORDER BY s.unit, s.id, i.item_no",
            self.conn, params=(form, period),
        )

    def issues_for(self, submission_ids: list[int]) -> pd.DataFrame:
        if not submission_ids:
            return pd.DataFrame(columns=["submission_id", "code", "severity", "sheet", "cell",
                                         "indicator", "message"])
        marks = ",".join("?" * len(submission_ids))
        return pd.read_sql_query(
            f"SELECT * FROM submission_issues WHERE submission_id IN ({marks})",
            self.conn, params=submission_ids,
        )

    def history(self, unit: str) -> list[sqlite3.Row]:
        """A unit's submissions (duplicates of its files included), with issue counts."""
        return self.conn.execute(
            "SELECT s.*, "
            " (SELECT count(*) FROM submission_issues i WHERE i.submission_id = s.id"
            "  AND i.severity = 'error') AS errors,"
            " (SELECT count(*) FROM submission_issues i WHERE i.submission_id = s.id"
            "  AND i.severity = 'warning') AS warnings,"
            " (SELECT c.sender FROM containers c WHERE c.sha256 = s.container_sha256"
            "  ORDER BY c.id LIMIT 1) AS sender"
            " FROM submissions s WHERE s.unit = ?"
            "  OR (s.status = 'duplicate' AND s.sha256 IN"
            "      (SELECT sha256 FROM submissions WHERE unit = ?))"
            " ORDER BY s.received_at, s.id",
            (unit, unit),
        ).fetchall()

    def data_version(self) -> tuple[int, int]:
        """Changes whenever a submission is recorded: what the reports depend on."""
        row = self.conn.execute("SELECT count(*), coalesce(max(id), 0) FROM submissions").fetchone()
        return int(row[0]), int(row[1])

    def round_version(self, form: str, period: str) -> tuple[int, int]:
        """Changes whenever a submission of the round is recorded."""
        row = self.conn.execute("SELECT count(*), coalesce(max(id), 0) FROM submissions"
                                " WHERE form = ? AND period = ?", (form, period)).fetchone()
        return int(row[0]), int(row[1])

    def rounds_seen(self) -> list[tuple[str, str]]:
        return [
            (r["form"], r["period"])
            for r in self.conn.execute(
                "SELECT DISTINCT form, period FROM submissions WHERE form IS NOT NULL"
                " AND period IS NOT NULL"
            )
        ]
