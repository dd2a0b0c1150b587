from aggregator.consolidate.rounds import (
    STATUS_LABELS,
    RoundResult,
    UnitStatus,
    consolidate_round,
    recompute_totals,
)

__all__ = ["STATUS_LABELS", "RoundResult", "UnitStatus", "consolidate_round", "recompute_totals"]
