"""The one place where numbers, percentages and dates become the Vietnamese text users read.

Numbers go through babel with locale ``vi`` (1.909; 57,4); dates follow Nghị định 30/2020/NĐ-CP
and the plan: a leading zero only for days below 10 and for months 1 and 2 ("15/6/2024",
"01/12/2024", "ngày 05 tháng 01 năm 2025"). A leaf module: every stage may import it.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import NumberFormatError, format_decimal, parse_decimal

LOCALE = "vi"
DASH = "—"  # no value (e.g. a rate whose denominator is 0)
PLACEHOLDER = "…"  # a value the office has not configured: never invent one


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | int | None, decimals: int = 0) -> str:
    """1909 → '1.909'; (57.43, 1) → '57,4'; None/NaN → '—'."""
    if _missing(value):
        return DASH
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    # half up, as people round (babel alone rounds half to even: 99,05 → 99,0)
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return format_decimal(exact, format=pattern, locale=LOCALE)


def count_or_decimal(value: float | int | None) -> str:
    """A whole number without decimals (1.234), any other value with its own (12,5)."""
    if _missing(value):
        return DASH
    if float(value).is_integer():
        return number(value)
    return format_decimal(Decimal(str(value)), format="#,##0.###", locale=LOCALE)


def percent(value: float | None, decimals: int = 1) -> str:
    """Always one decimal, as the reports write rates: 99 → '99,0%'; 57.43 → '57,4%'."""
    if _missing(value):
        return DASH
    return f"{number(value, decimals)}%"


def parse_number(text: str) -> float | None:
    """'1.234,5' or '1234,5' (Vietnamese) → 1234.5; None when it is not a Vietnamese number."""
    try:
        return float(parse_decimal(text.strip(), locale=LOCALE, strict=True))
    except (NumberFormatError, ValueError):
        return None


def _day_month(day: date) -> tuple[str, str]:
    """Nghị định 30: two digits for days below 10 and for months 1 and 2."""
    return f"{day.day:02d}", (f"{day.month:02d}" if day.month <= 2 else str(day.month))


def short_date(day: date | None) -> str:
    """15/6/2024, 01/12/2024, 26/02/2007 — as the plan writes dates; None → '…'."""
    if day is None:
        return PLACEHOLDER
    d, m = _day_month(day)
    return f"{d}/{m}/{day.year}"


def date_line(day: date | None) -> str:
    """The document's own date line: 'ngày 05 tháng 01 năm 2025'; None → 'ngày … tháng … năm …'."""
    if day is None:
        return "ngày … tháng … năm …"
    d, m = _day_month(day)
    return f"ngày {d} tháng {m} năm {day.year}"


def window_text(start: date | None, end: date | None) -> str:
    """Nghị định 09/2019: 'Số liệu tính từ ngày 15/12/2023 đến ngày 14/6/2024'."""
    return f"Số liệu tính từ ngày {short_date(start)} đến ngày {short_date(end)}"


def date_time(moment: datetime, seconds: bool = False) -> str:
    """'15/6/2024 14:05' (the date as `short_date` writes it)."""
    return f"{short_date(moment.date())} {moment:%H:%M:%S}" if seconds else (
        f"{short_date(moment.date())} {moment:%H:%M}")


# Excel number formats. A whole count shows "1.909" whatever Windows' regional settings: the dots
# are literal characters between digit placeholders (Excel allows two conditions: up to 999.999.999
# grouped; larger counts show their last two groups). The value stays a number (sums, sorting).
EXCEL_COUNT = r"[>=1000000]#\.###\.##0;[>=1000]#\.##0;0"
# Rates and scores keep Excel's own decimal format: the decimal mark follows Windows' regional
# settings ("99,1" on a Vietnamese PC, "99.1" on an English one) — see docs/huong-dan-su-dung.md.
EXCEL_RATE = "0.0"
EXCEL_DATE = "dd/mm/yyyy"
