from aggregator.intake.archive import (
    ArchiveError,
    overwritten_in_place,
    release,
    safe_part,
    store,
    sync_barrier,
    write_note,
)
from aggregator.intake.scan import Incoming, Scan, scan_inbox, sha256_of

__all__ = ["ArchiveError", "Incoming", "Scan", "overwritten_in_place", "release", "safe_part",
           "scan_inbox", "sha256_of", "store", "sync_barrier", "write_note"]
