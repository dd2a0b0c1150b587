from aggregator.units.naming import reporting_name
from aggregator.units.registry import (
    DEFAULT_UNITS_FILE,
    LEVEL_LABELS,
    Unit,
    UnitRegistry,
    UnitsError,
    normalize_code,
)

__all__ = ["DEFAULT_UNITS_FILE", "LEVEL_LABELS", "Unit", "UnitRegistry", "UnitsError",
           "normalize_code", "reporting_name"]
