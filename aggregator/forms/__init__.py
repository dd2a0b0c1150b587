from aggregator.forms.models import (
    BOUNDS,
    NUMERIC_TYPES,
    Column,
    Derived,
    FormSpec,
    FormSpecError,
    Indicator,
    LineList,
    Matrix,
    Rule,
    Section,
)
from aggregator.forms.registry import FormRegistry, load_form

__all__ = ["BOUNDS", "NUMERIC_TYPES", "Column", "Derived", "FormRegistry", "FormSpec", "FormSpecError", "Indicator", "LineList",
           "Matrix", "Rule", "Section", "load_form"]
