"""Vietnamese formats for what users read: 1.234; 12,5%; 'ngày 05 tháng 01 năm 2025'."""

from __future__ import annotations

import math
from datetime import date

DASH = "—"


def vn_number(value: float | int | None, decimals: int = 0) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    text = f"{value:,.{decimals}f}"  # 1,234.5
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def vn_percent(value: float | None, decimals: int = 1) -> str:
    """12.5 → '12,5%'; whole numbers lose the decimals (100 → '100%'); None → '—'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    rounded = round(value, decimals)
    if float(rounded).is_integer():
        return f"{vn_number(rounded)}%"
    return f"{vn_number(rounded, decimals)}%"


def vn_date(day: date) -> str:
    """Nghị định 30: leading zero for days below 10 and for months 1 and 2."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vn_short_date(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"
