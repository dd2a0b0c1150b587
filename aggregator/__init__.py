"""aggregator — consolidates units' inspection reports for Sở Nội vụ into summaries and Word reports."""

__version__ = "0.1.0"
