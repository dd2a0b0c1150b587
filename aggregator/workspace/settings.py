"""Embedded defaults: Thái Nguyên province and Kế hoạch 220/KH-UBND (2024). Overridable in aggregator.toml."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # the aggregator package
CONFIG_FILE = "aggregator.toml"
LEDGER_FILE = "ledger.sqlite3"
LOCK_FILE = ".aggregator.lock"

# Workspace layout (folder names are what the office sees in Explorer).
INBOX = "inbox"
OUTBOX = "outbox"
ARCHIVE = "archive"
REJECTED = "rejected"
FORMS_OUTBOX = "bieu-mau"


def shipped_templates_dir() -> Path:
    """Form definitions and Word templates: inside the wheel, or the repository's templates/."""
    packaged = PACKAGE_DIR / "_templates"
    if packaged.is_dir():
        return packaged
    return PACKAGE_DIR.parent / "templates"


DEFAULT_ROUNDS = [
    {
        "form": "KTCV",
        "period": "2024-H1",
        "window_start": "2023-12-15",
        "window_end": "2024-06-14",
        "deadline": "2024-06-15",
        "deadline_wording": "before",
        "submitters": ["agency", "district"],
    },
    {
        "form": "KTCV",
        "period": "2024-Y",
        "window_start": "2023-12-15",
        "window_end": "2024-12-14",
        "deadline": "2024-12-01",
        "deadline_wording": "before",
        "submitters": ["agency", "district"],
    },
    {
        "form": "CCHC",
        "period": "2024-Y",
        "window_start": "2023-12-15",
        "window_end": "2024-12-14",
        "deadline": "2024-10-30",
        "deadline_wording": "by",
        "submitters": ["agency", "district"],
    },
    {
        "form": "KPKN",
        "period": "2024-Y",
        "window_start": "2023-12-15",
        "window_end": "2024-12-14",
        "deadline": "2024-12-01",
        "deadline_wording": "before",
        "submitters": ["agency", "district"],
    },
    {
        # Filled by the provincial inspection team during the year: nobody is expected, never late.
        "form": "DKT",
        "period": "2024-Y",
        "window_start": "2024-01-01",
        "window_end": "2024-12-31",
        "deadline": "2024-12-31",
        "deadline_wording": "by",
        "submitters": [],
        "timeliness": False,
    },
]
