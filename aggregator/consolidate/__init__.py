from aggregator.consolidate.aggregate import ratio, recompute_totals, rollup
from aggregator.consolidate.completeness import (
    GROUP_LABELS,
    STATUS_LABELS,
    Completeness,
    UnitStatus,
    level_label,
)
from aggregator.consolidate.rounds import RoundResult, consolidate_round

__all__ = ["GROUP_LABELS", "STATUS_LABELS", "Completeness", "RoundResult", "UnitStatus",
           "consolidate_round", "level_label", "ratio", "recompute_totals", "rollup"]
