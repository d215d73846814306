"""Statements written once per shape (spm/statements.py) give the rows the
ORM gives for the same values, whatever the values, with and without a
kecamatan; a statement is written once per shape."""

from datetime import date

import pytest

from spm import statements
from spm.calculations import _activity_rows, _report_rows, _target_rows
from tests.factories import NIBUNG, RUPIT
from tests.spm.conftest import seed_q1_2026


def _normal(rows):
    """The ORM's own conversions: dates as dates, numbers as int."""
    return sorted(
        (tuple(date.fromisoformat(v) if isinstance(v, str) and v[:2] == "20" else v for v in row) for row in rows),
        key=repr,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("kecamatan", [None, RUPIT, NIBUNG])
def test_rows_are_the_orms(personas, kecamatan):
    seed_q1_2026(personas)
    by_kecamatan = {"kecamatan": kecamatan} if kecamatan else {}
    cases = [
        (_report_rows, {"first": date(2026, 1, 1), "last": date(2026, 3, 1)}),
        (_report_rows, {"first": date(2026, 2, 1), "last": date(2026, 2, 1)}),
        (_target_rows, {"years": [2026]}),
        (_target_rows, {"years": [2025, 2026]}),
        (_activity_rows, {"first": date(2026, 1, 1), "last": date(2026, 12, 31)}),
        (_activity_rows, {"first": date(2026, 2, 1), "last": date(2026, 2, 28)}),
    ]
    seen_rows = 0
    for build, values in cases:
        values = {**values, **by_kecamatan}
        expected = _normal(build(**values))
        got = _normal(statements.rows(("test", build.__name__, bool(kecamatan)), build, **values))
        assert got == expected, (build.__name__, values)
        seen_rows += len(expected)
    assert seen_rows


def test_a_value_missing_from_the_statement_is_refused():
    from incidents.models import Kecamatan

    with pytest.raises(ValueError):
        statements.rows(("test", "unused"), lambda **_values: Kecamatan.objects.all(), code="x")


@pytest.mark.django_db
def test_a_kept_fire_median_is_read_while_the_fires_are_the_same():
    from spm.aggregates import FireMedianCache
    from spm.calculations import make_period
    from spm.fire_response import fire_minutes_exact

    period = make_period(2026, 1)
    FireMedianCache.objects.create(
        start=period.start, end=period.end, kecamatan=RUPIT, arrived=3, seconds=2_000, minutes=11.5
    )
    FireMedianCache.objects.create(
        start=period.start, end=period.end, kecamatan="", arrived=3, seconds=2_000, minutes=9.25
    )
    assert fire_minutes_exact(period, kecamatan=RUPIT, fire={"arrived": 3, "seconds": 2_000}) == 11.5
    assert fire_minutes_exact(period, kecamatan=None, fire={"arrived": 3, "seconds": 2_000}) == 9.25
