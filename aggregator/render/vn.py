"""Vietnamese formats for what users read — the names the render code has always used, now thin
aliases of the one formatting module `aggregator.vn_format`."""

from __future__ import annotations

from aggregator.vn_format import DASH, PLACEHOLDER, date_line, number, percent, short_date

__all__ = ["DASH", "PLACEHOLDER", "vn_date", "vn_number", "vn_percent", "vn_short_date"]

vn_number = number
vn_percent = percent
vn_date = date_line
vn_short_date = short_date
