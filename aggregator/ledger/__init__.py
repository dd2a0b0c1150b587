from aggregator.ledger.db import Ledger, NewSubmission
from aggregator.ledger.migrations import MIGRATIONS, migrate

__all__ = ["MIGRATIONS", "Ledger", "NewSubmission", "migrate"]
