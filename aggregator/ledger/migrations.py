"""Named, ordered, transactional schema steps. Applied ones are recorded in the `migrations` table."""

from __future__ import annotations

import sqlite3

MIGRATIONS: list[tuple[str, str]] = [
    (
        "001_initial",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            as_of TEXT NOT NULL,
            tool_version TEXT NOT NULL,
            files_seen INTEGER NOT NULL DEFAULT 0,
            accepted INTEGER NOT NULL DEFAULT 0,
            rejected INTEGER NOT NULL DEFAULT 0,
            duplicates INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE submissions (
            id INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL REFERENCES runs(id),
            sha256 TEXT NOT NULL,
            original_name TEXT NOT NULL,
            inbox_path TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            received_at TEXT NOT NULL,
            processed_at TEXT NOT NULL,
            unit TEXT,
            form TEXT,
            period TEXT,
            status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'duplicate')),
            superseded_by INTEGER REFERENCES submissions(id)
        );
        CREATE INDEX submissions_sha ON submissions(sha256);
        CREATE INDEX submissions_key ON submissions(form, period, unit);
        CREATE TABLE submission_values (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            indicator TEXT NOT NULL,
            number REAL,
            text TEXT,
            sheet TEXT,
            cell TEXT,
            PRIMARY KEY (submission_id, indicator)
        );
        CREATE TABLE submission_issues (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            code TEXT NOT NULL,
            severity TEXT NOT NULL,
            sheet TEXT,
            cell TEXT,
            indicator TEXT,
            message TEXT NOT NULL
        );
        CREATE INDEX submission_issues_sub ON submission_issues(submission_id);
        """,
    ),
    (
        "002_instances_and_items",
        """
        ALTER TABLE submissions ADD COLUMN instance TEXT NOT NULL DEFAULT '';
        DROP INDEX submissions_key;
        CREATE INDEX submissions_key ON submissions(form, period, unit, instance);
        CREATE TABLE submission_items (
            submission_id INTEGER NOT NULL REFERENCES submissions(id),
            item_no INTEGER NOT NULL,
            key TEXT NOT NULL,
            number REAL,
            text TEXT,
            PRIMARY KEY (submission_id, item_no, key)
        );
        """,
    ),
    (
        "003_released_at",
        """
        ALTER TABLE submissions ADD COLUMN released_at TEXT;
        """,
    ),
    (
        # One row per submission holding its cells as JSON (code → [number, text, sheet, cell]):
        # a national batch writes 12,000 rows instead of 600,000. The long table stays queryable
        # as a view of the same name.
        "004_cells_per_submission",
        """
        CREATE TABLE submission_cells (
            submission_id INTEGER PRIMARY KEY REFERENCES submissions(id),
            cells TEXT NOT NULL
        );
        INSERT INTO submission_cells
            SELECT submission_id,
                   json_group_object(indicator, json_array(number, text, sheet, cell))
            FROM submission_values GROUP BY submission_id;
        DROP TABLE submission_values;
        CREATE VIEW submission_values AS
            SELECT c.submission_id, j.key AS indicator, json_extract(j.value, '$[0]') AS number,
                   json_extract(j.value, '$[1]') AS text, json_extract(j.value, '$[2]') AS sheet,
                   json_extract(j.value, '$[3]') AS cell
            FROM submission_cells c, json_each(c.cells) j
        """,
    ),
    (
        # E-mails and zips in the inbox: a member links to its container; the container itself is
        # archived and kept with its provenance (sender, subject, Message-ID, where its time came
        # from).
        "005_containers",
        """
        ALTER TABLE submissions ADD COLUMN container_sha256 TEXT;
        CREATE TABLE containers (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES runs(id),
            sha256 TEXT NOT NULL,
            kind TEXT NOT NULL,
            inbox_path TEXT NOT NULL,
            stored_path TEXT NOT NULL,
            received_at TEXT NOT NULL,
            received_from TEXT NOT NULL,
            sender TEXT,
            subject TEXT,
            message_id TEXT,
            status TEXT NOT NULL,
            reason TEXT,
            released_at TEXT
        );
        CREATE INDEX containers_sha ON containers(sha256);
        CREATE INDEX submissions_container ON submissions(container_sha256)
        """,
    ),
    (
        # Years of history: a unit's files found without scanning every round (`history`), and
        # each round's decoded in-force values kept between runs (numpy arrays, see round_table):
        # a run decodes only the submissions that came into force since.
        "006_unit_index_and_round_tables",
        """
        CREATE INDEX submissions_unit ON submissions(unit);
        CREATE TABLE round_tables (
            form TEXT NOT NULL,
            period TEXT NOT NULL,
            data BLOB NOT NULL,
            PRIMARY KEY (form, period)
        )
        """,
    ),
]


def statements(sql: str) -> list[str]:
    """The complete SQL statements of a script, as SQLite parses them: a ';' inside a string
    literal or a trigger's body does not end a statement (splitting on ';' did)."""
    found, pending = [], ""
    for line in sql.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            found.append(pending.strip())
            pending = ""
    if pending.strip():  # the last statement may go without its ';'
        if not sqlite3.complete_statement(pending + ";"):
            raise ValueError(f"incomplete SQL statement in a migration: {pending.strip()[:60]}")
        found.append(pending.strip())
    return found


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations in order, each in its own transaction; return the names applied."""
    conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")}
    applied = []
    for name, sql in MIGRATIONS:
        if name in done:
            continue
        with conn:
            conn.execute("BEGIN")
            for statement in statements(sql):
                conn.execute(statement)
            conn.execute(
                "INSERT INTO migrations VALUES (?, datetime('now'))", (name,)
            )
        applied.append(name)
    return applied
