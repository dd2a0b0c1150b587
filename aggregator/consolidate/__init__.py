from aggregator.consolidate.aggregate import aggregate, derived_of, ratio, recompute_totals, rollup
from aggregator.consolidate.completeness import (
    GROUP_LABELS,
    STATUS_LABELS,
    Completeness,
    UnitStatus,
    level_label,
)
from aggregator.consolidate.rounds import RoundResult, consolidate_round

__all__ = ["GROUP_LABELS", "STATUS_LABELS", "Completeness", "RoundResult", "UnitStatus",
           "aggregate", "consolidate_round", "derived_of", "level_label", "ratio",
           "recompute_totals", "rollup"]
