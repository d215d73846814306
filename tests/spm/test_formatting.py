"""One rounding rule and one way of writing durations for every SPM figure."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from spm.formatting import fmt_datetime, fmt_duration, fmt_int, fmt_number, fmt_pct


def test_half_up_on_the_decimal_value():
    with translation.override("id"):
        assert fmt_pct(99.65) == "99,7\xa0%"  # number_format alone truncates to 99,6
        assert fmt_number(0.25) == "0,3"  # Python's format gives 0,2 (half to even on the float)
        assert fmt_number(0.145, 2) == "0,15"
        assert fmt_pct(None) == "–"
        assert fmt_int(1234567) == "1.234.567"
    with translation.override("en"):
        assert fmt_pct(99.65) == "99.7\xa0%"
        assert fmt_int(1234567) == "1,234,567"


@pytest.mark.parametrize(
    "hours, indonesian, english",
    [
        (100.8, "4 hari 5 jam", "4 days 5 hours"),
        (24, "1 hari", "1 day"),
        (4.3, "4 jam 18 menit", "4 hours 18 minutes"),
        (1, "1 jam", "1 hour"),
        (0.5, "30 menit", "30 minutes"),
        (17315.8, "721 hari 12 jam", "721 days 12 hours"),
        (None, "–", "–"),
    ],
)
def test_durations_in_days_and_hours(hours, indonesian, english):
    with translation.override("id"):
        assert fmt_duration(hours) == indonesian
    with translation.override("en"):
        assert fmt_duration(hours) == english


def test_dates_with_month_abbreviations_of_the_language():
    moment = datetime(2026, 8, 17, 7, 5, tzinfo=ZoneInfo("UTC"))
    with translation.override("id"):
        assert fmt_datetime(moment) == "17 Agu 2026 14.05 WIB"
    with translation.override("en"):
        assert fmt_datetime(moment.isoformat()) == "17 Aug 2026 14.05 WIB"
