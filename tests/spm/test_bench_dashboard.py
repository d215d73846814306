"""`manage.py bench_dashboard` runs (on SQLite only when allowed), checks the
aggregates against the reports table, fills a full daily table inside a
transaction it rolls back, and prints the page times against the 50 ms target."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from spm.aggregates import StatDaily, StatMonthly
from tests.spm.conftest import seed_q1_2026

pytestmark = pytest.mark.django_db


def run(**kwargs) -> str:
    out = StringIO()
    call_command("bench_dashboard", year=2026, runs=1, allow_sqlite=True, no_seed=True, stdout=out, **kwargs)
    return out.getvalue()


def test_refuses_sqlite_unless_allowed():
    if connection.vendor != "sqlite":
        pytest.skip("the refusal concerns SQLite")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench_dashboard", reports=10, stdout=StringIO())


def test_measures_the_page_with_and_without_a_full_daily_table(personas):
    seed_q1_2026(personas)
    daily, monthly = StatDaily.objects.count(), StatMonthly.objects.count()
    text = run(daily_days=3, profile=True)
    assert "Target ≤ 50 ms per halaman dasbor" in text
    assert "1. Agregat dari laporan contoh" in text and "2. Tabel harian penuh" in text
    for label in ("triwulan 4 2026", "tahun 2026"):
        assert label in text
    assert text.count("sama") >= 3 and "BERBEDA" not in text
    assert "kueri" in text  # --profile lists the slowest queries
    # The filled table: every desa x category x status for each of the three days.
    from incidents.models import Category, Desa, Status

    full = Desa.objects.count() * Category.objects.count() * len(Status) * 3
    assert f"{daily + full:,} harian".replace(",", ".") in text
    # ... and all of it rolled back.
    assert (StatDaily.objects.count(), StatMonthly.objects.count()) == (daily, monthly)


def test_a_stale_aggregate_is_reported(personas, spm_report):
    from tests.spm.conftest import at

    spm_report("ketertiban-umum", at(2026, 11, 2), must=10, served=9)
    StatMonthly.objects.filter(category__code="ketertiban-umum").update(spm_must=11)
    with pytest.raises(CommandError, match="berbeda"):
        run(daily_days=0)


def test_the_daily_fill_covers_each_day(personas):
    """The filled rows: one per desa x category x status and day, counts between 1 and 3."""
    from django.db import transaction

    from incidents.models import Category, Desa, Status
    from spm.management.commands.bench_dashboard import Command

    command = Command(stdout=StringIO())
    today = date(2026, 12, 5)
    with transaction.atomic():
        first, last = command._fill_daily(year=2026, days=2, today=today)
        assert (first, last) == (today - timedelta(days=1), today)
        rows = StatDaily.objects.filter(day__gte=first, day__lte=last)
        assert rows.count() == Desa.objects.count() * Category.objects.count() * len(Status) * 2
        assert set(rows.values_list("n", flat=True)) == {1, 2, 3}
        # The monthly table of December holds the sum of its daily rows.
        from django.db.models import Sum

        assert (
            StatMonthly.objects.filter(month=first.replace(day=1)).aggregate(n=Sum("n"))["n"]
            == rows.aggregate(n=Sum("n"))["n"]
        )
        transaction.set_rollback(True)
