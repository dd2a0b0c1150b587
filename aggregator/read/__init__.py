from aggregator.read.reader import (
    LISTS_SHEET,
    META_SHEET,
    PERIOD_LABEL,
    UNIT_LABEL,
    ReadResult,
    read_file,
)
from aggregator.read.workbook import SPREADSHEET_SUFFIXES, a1

__all__ = ["LISTS_SHEET", "META_SHEET", "PERIOD_LABEL", "SPREADSHEET_SUFFIXES", "UNIT_LABEL",
           "ReadResult", "a1", "read_file"]
