from aggregator.intake.archive import ArchiveError, release, safe_part, store, write_note
from aggregator.intake.scan import Incoming, scan_inbox, sha256_of

__all__ = ["ArchiveError", "Incoming", "release", "safe_part", "scan_inbox", "sha256_of", "store",
           "write_note"]
