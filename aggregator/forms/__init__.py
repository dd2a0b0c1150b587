from aggregator.forms.models import Derived, FormSpec, FormSpecError, Indicator, Rule
from aggregator.forms.registry import FormRegistry, load_form

__all__ = ["Derived", "FormRegistry", "FormSpec", "FormSpecError", "Indicator", "Rule", "load_form"]
