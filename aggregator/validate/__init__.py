"""Validation: the issue catalog (imported by every stage), cell checks, rules, file reports.

This package's __init__ only exposes the catalog, so that `read` can use it without a cycle; import
`aggregator.validate.validator.validate_batch` for the validator itself.
"""

from aggregator.issues import CATALOG, Issue, IssueType, make_issue

__all__ = ["CATALOG", "Issue", "IssueType", "make_issue"]
