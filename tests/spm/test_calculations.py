"""SPM computation with hand-computed examples (domain.md section 3)."""

from datetime import date, timedelta

import pytest

from spm.calculations import PeriodError, achievements, index_score, make_period, trend
from spm.figures import FigurePeriod, period_figures
from spm.models import Activity
from spm.report_figures import achievements_from_raw, median_from_histogram
from tests.factories import NIBUNG, RUPIT
from tests.spm.conftest import seed_q1_2026

MINUTE = timedelta(minutes=1)


def svc(data, code):
    return next(s for s in data["services"] if s["code"] == code)


def row(service, kecamatan):
    return next(r for r in service["by_kecamatan"] if r["code"] == kecamatan)


@pytest.fixture
def q1_data(personas):
    seed_q1_2026(personas)


@pytest.mark.django_db
def test_tibum_counts_per_kecamatan_and_kabupaten(q1_data):
    data = achievements(year=2026, quarter=1)
    tibum = svc(data, "tibum")
    assert (tibum["must_serve"], tibum["served"], tibum["capaian"]) == (30, 25, 83.33)
    assert row(tibum, RUPIT)["capaian"] == 75.0
    assert row(tibum, NIBUNG)["capaian"] == 100.0
    # Kecamatan with no report: no target, not 0 %.
    assert row(tibum, "16.13.07") == {
        **row(tibum, "16.13.07"),
        "must_serve": 0,
        "served": 0,
        "capaian": None,
        "index": None,
    }
    assert tibum["quality"] == 80.0
    # (80 x 83.33 + 20 x 80) / 100 = 82.664
    assert tibum["index"] == 82.66
    assert tibum["band"] == "kuning"


@pytest.mark.django_db
def test_evakuasi_zero_served_is_zero_percent(q1_data):
    evak = svc(achievements(year=2026, month=2), "evakuasi-bencana")
    assert (evak["must_serve"], evak["served"], evak["capaian"]) == (40, 0, 0.0)
    # No assessment of this service: quality and index unknown, never invented.
    assert evak["quality"] is None and evak["index"] is None
    assert evak["band"] == "merah"


@pytest.mark.django_db
def test_fire_served_only_within_fifteen_minutes(q1_data):
    fire = svc(achievements(year=2026, month=1), "kebakaran")
    # 8 (15:00, inside) + 0 (15:01, outside) + 0 (no arrival) of 10 + 6 + 4.
    assert (fire["must_serve"], fire["served"], fire["capaian"]) == (20, 8, 40.0)
    assert achievements_from_raw(year=2026, month=1)["kebakaran"] == {"must_serve": 20, "served": 8}


@pytest.mark.django_db
def test_fire_standard_is_configuration(q1_data, personas):
    from incidents.models import Category
    from spm.rollup import rebuild_stats

    Category.objects.filter(spm_service="kebakaran").update(response_minutes=20)
    rebuild_stats()  # what the task enqueued by the category admin does
    assert svc(achievements(year=2026, month=1), "kebakaran")["served"] == 14


@pytest.mark.django_db
def test_info_bencana_targets_and_activities_year_to_date(q1_data):
    info = svc(achievements(year=2026, quarter=1), "info-bencana")
    assert row(info, RUPIT) | {} == {**row(info, RUPIT), "must_serve": 1500, "served": 300, "capaian": 20.0}
    # Activities where no target was set: counted, but "belum ada sasaran".
    assert (row(info, NIBUNG)["must_serve"], row(info, NIBUNG)["served"], row(info, NIBUNG)["capaian"]) == (
        0,
        100,
        None,
    )
    kab_row = row(info, None)
    assert (kab_row["must_serve"], kab_row["served"]) == (2000, 0)
    # 400 / 3,500
    assert (info["must_serve"], info["served"], info["capaian"]) == (3500, 400, 11.43)
    # The whole year includes April's 600: 1,000 / 3,500.
    assert svc(achievements(year=2026), "info-bencana")["capaian"] == 28.57


@pytest.mark.django_db
def test_no_target_means_none_not_zero(q1_data):
    siaga = svc(achievements(year=2026, quarter=1), "siaga-bencana")
    assert (siaga["must_serve"], siaga["capaian"], siaga["index"], siaga["band"]) == (0, None, None, "abu")
    empty = svc(achievements(year=2025, month=6), "tibum")
    assert (empty["must_serve"], empty["served"], empty["capaian"]) == (0, 0, None)


@pytest.mark.django_db
def test_kecamatan_totals_reconcile_with_kabupaten(q1_data):
    for period in ({"quarter": 1}, {"month": 1}, {"month": 3}, {}):
        data = achievements(year=2026, **period)
        for service in data["services"]:
            assert service["must_serve"] == sum(r["must_serve"] for r in service["by_kecamatan"])
            assert service["served"] == sum(r["served"] for r in service["by_kecamatan"])
    raw = achievements_from_raw(year=2026, quarter=1)
    data = achievements(year=2026, quarter=1)
    for code, figures in raw.items():
        assert {"must_serve": svc(data, code)["must_serve"], "served": svc(data, code)["served"]} == figures


@pytest.mark.django_db
def test_kecamatan_filter_and_change_since_previous_period(q1_data):
    rupit = achievements(year=2026, quarter=1, kecamatan=RUPIT)
    assert rupit["kecamatan"]["code"] == RUPIT
    assert (svc(rupit, "tibum")["must_serve"], svc(rupit, "tibum")["capaian"]) == (20, 75.0)
    # Kabupaten-wide targets are not a kecamatan's.
    assert svc(rupit, "info-bencana")["must_serve"] == 1500
    march = achievements(year=2026, month=3)
    assert svc(march, "tibum")["change"] is None  # February had no target
    april = achievements(year=2026, month=4)
    # info-bencana cumulative: March 400/3,500 = 11.43, April 1,000/3,500 = 28.57. Year to date, the
    # change is the pace against the pro-rated target: 28.57 x 12/4 - 11.43 x 12/3, not calendar growth.
    info = svc(april, "info-bencana")
    assert info["change"] == round(28.57 * 12 / 4 - 11.43 * 12 / 3, 2) == 39.99
    assert info["change_reason"] == "terhadap sasaran pro-rata"
    # A running period is not compared with a complete one.
    running = achievements(year=2026, month=4, today=date(2026, 4, 20))
    assert svc(running, "tibum")["change"] is None and running["closed"] is False


@pytest.mark.django_db
def test_trend_months(q1_data):
    data = trend(year=2026, until=date(2026, 4, 30))
    fire = next(s for s in data["services"] if s["code"] == "kebakaran")["values"]
    assert fire[:5] == [40.0, None, None, None, None]
    assert fire[5] is None
    info = next(s for s in data["services"] if s["code"] == "info-bencana")["values"]
    assert info[:4] == [0.0, 8.57, 11.43, 28.57]


@pytest.mark.django_db
def test_report_figures(q1_data):
    figures = period_figures(FigurePeriod.parse("2026-Q1"))
    assert figures["reports_received"].value == 6  # 2 tibum + 1 flood + 3 fires; the rejected report is apart
    assert figures["reports_rejected_or_duplicate"].value == 1
    assert figures["fire_reports"].value == 3
    assert figures["fire_reports_without_arrival"].value == 1
    share = figures["fire_on_time_share"]
    # One denominator: fires with an arrival recorded (the one without is shown beside it).
    assert (share.numerator, share.denominator, share.value) == (1, 2, 50.0)
    buckets = figures.counts["fire"]["buckets"]
    assert [b["count"] for b in buckets] == [0, 0, 1, 1, 0, 0, 0]


def test_period_validation():
    assert make_period(2026, quarter=2).start == date(2026, 4, 1)
    assert make_period(2026, month=2).end == date(2026, 2, 28)
    assert make_period(2026, month=1).previous() == make_period(2025, month=12)
    for bad in (
        {"year": "x"},
        {"year": 2026, "quarter": 5},
        {"year": 2026, "month": 13},
        {"year": 2026, "quarter": 1, "month": 1},
        {"year": 1999},
    ):
        with pytest.raises(PeriodError):
            make_period(**bad)


def test_index_and_median_helpers():
    assert index_score(50.0, 100.0, 80, 20) == 60.0
    assert index_score(120.0, 0.0, 80, 20) == 80.0  # capaian above 100 % counts as 100 % in the index
    assert index_score(None, 100.0, 80, 20) is None
    # 4 reports in [0,1) hours and 4 in [1,4): the median lies at the boundary.
    assert median_from_histogram([4, 4, 0], (1, 4)) == (1.0, False)
    assert median_from_histogram([0, 0, 3], (1, 4)) == (4.0, True)
    assert median_from_histogram([0, 0, 0], (1, 4)) == (None, False)


@pytest.mark.django_db
def test_activity_rows_keep_their_kecamatan(q1_data):
    assert set(Activity.objects.values_list("kecamatan_id", flat=True)) == {RUPIT, NIBUNG}
