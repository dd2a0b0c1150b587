"""Small pure pieces: periods, number parsing, Vietnamese output formats."""

import unicodedata
from datetime import date

import pytest

from aggregator.periods import Period, parse_period
from aggregator.validate.numbers import parse_number
from aggregator.vn_format import date_line as vn_date
from aggregator.vn_format import number as vn_number
from aggregator.vn_format import percent as vn_percent


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-H1", Period(2024, "H1")),
        (" 2024-y ", Period(2024, "Y")),
        ("6 tháng đầu năm 2024", Period(2024, "H1")),
        (unicodedata.normalize("NFD", "6 Tháng Đầu Năm 2024"), Period(2024, "H1")),
        ("Năm 2024", Period(2024, "Y")),
        ("2024", None),
        ("Quý 3 năm 2024", None),
        (None, None),
    ],
)
def test_parse_period(raw, expected):
    assert parse_period(raw) == expected


@pytest.mark.parametrize(
    "raw, value, problem",
    [
        (12, 12.0, None),
        (12.0, 12.0, None),
        (" 12 ", 12.0, None),
        ("1.234", 1234.0, None),
        ("1 234", 1234.0, None),
        ("1\u00a0234", 1234.0, None),
        ("12,0", 12.0, None),
        ("12,5", 12.5, None),
        ("1,234", None, "value-ambiguous-number"),
        ("mười", None, "cell-not-a-number"),
        ("12 người", None, "cell-not-a-number"),
        ("", None, None),
        (None, None, None),
        (True, None, "cell-not-a-number"),
    ],
)
def test_parse_number(raw, value, problem):
    parsed = parse_number(raw)
    assert (parsed.value, parsed.problem) == (value, problem)


def test_vietnamese_formats():
    assert vn_number(1234) == "1.234"
    assert vn_number(1234567.0) == "1.234.567"
    assert vn_number(None) == "—"
    assert vn_percent(12.5) == "12,5%"
    assert vn_percent(100.0) == "100,0%"  # one decimal everywhere (issue 13)
    assert vn_percent(None) == "—"
    assert vn_date(date(2025, 1, 5)) == "ngày 05 tháng 01 năm 2025"
    assert vn_date(date(2024, 12, 20)) == "ngày 20 tháng 12 năm 2024"
    assert vn_date(date(2024, 6, 15)) == "ngày 15 tháng 6 năm 2024"
