from aggregator.intake.archive import (
    ArchiveError,
    fit_name,
    release,
    safe_part,
    store,
    sync_barrier,
    write_note,
)
from aggregator.intake.scan import Incoming, Scan, Skipped, scan_inbox, sha256_of

__all__ = ["ArchiveError", "Incoming", "Scan", "Skipped", "fit_name", "release", "safe_part",
           "scan_inbox", "sha256_of", "store", "sync_barrier", "write_note"]
