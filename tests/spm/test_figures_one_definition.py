"""One definition per figure: a seeded quarter computed here with plain
queries over the reports table, and the same values in the figures API, the
summary's stored figures and /dasbor/'s data-figure elements.

The quarter holds a fire reached after 15 min 40 s (late against 15 minutes,
compared to the second), fires for an exact median, a report received in the
previous quarter and still open (overdue carried over), and a report received
in the quarter but entered after it ended.
"""

import statistics
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db.models import Q
from rest_framework.test import APIClient

from incidents.models import OPEN_STATUSES, Incident, Status
from spm.summaries.services import summary_generate
from tests.spm.conftest import WIB, at, make_spm_report
from tests.spm.test_dashboard_figures import FigureParser, number, shown

Q3_START, Q3_END = at(2026, 7, 1, 0, 0), at(2026, 10, 1, 0, 0)
NOW = datetime(2026, 12, 5, 10, 0, tzinfo=WIB)
MINUTE = timedelta(minutes=1)
COUNTED = ~Q(status__in=(Status.DITOLAK, Status.DUPLIKAT))


@pytest.fixture
def quarter(personas):
    make = lambda *a, **k: make_spm_report(personas, *a, **k)  # noqa: E731
    make("kebakaran-permukiman", at(2026, 7, 3), must=5, served=5, arrive_after=15 * MINUTE + 40 * timedelta(seconds=1))
    make("kebakaran-permukiman", at(2026, 7, 9), must=3, served=3, arrive_after=9 * MINUTE)
    make("kebakaran-permukiman", at(2026, 8, 1), must=2, served=2, arrive_after=12 * MINUTE + 30 * timedelta(seconds=1))
    make("kebakaran-permukiman", at(2026, 8, 20), must=4, served=0)  # no arrival recorded
    make("ketertiban-umum", at(2026, 8, 4), must=10, served=10, status="selesai")
    make("ketertiban-umum", at(2026, 9, 2), must=6, served=6, status="diverifikasi")
    make("ketertiban-umum", at(2026, 9, 25), must=8, served=0)  # never verified: overdue at 30 September
    make("ketertiban-umum", at(2026, 9, 10), must=1, served=0, status="ditolak")
    make("ketertiban-umum", at(2026, 6, 1), must=2, served=0)  # received in Q2, still open: carried over
    # Phoned in on 30 September 23:50, entered on 5 December: it belongs to Q3.
    late = make("bencana-banjir", at(2026, 12, 5, 8, 0), must=3, served=0)
    Incident.objects.filter(pk=late.pk).update(reported_at=at(2026, 9, 30, 23, 50))
    from spm.rollup import rebuild_stats

    rebuild_stats()
    return personas


def plain_figures(kecamatan=None) -> dict:
    """The figures of Q3 2026 from the reports table, as the definitions say."""
    rows = Incident.objects.filter(reported_at__gte=Q3_START, reported_at__lt=Q3_END)
    if kecamatan:
        rows = rows.filter(kecamatan_id=kecamatan)
    counted = rows.filter(COUNTED)
    fires = counted.filter(category__spm_service="kebakaran")
    arrived = [(i.arrived_at - i.reported_at).total_seconds() for i in fires if i.arrived_at]
    on_time = sum(1 for s in arrived if s <= 15 * 60)
    verified = counted.filter(verified_at__isnull=False)
    verify_late_open = counted.filter(verified_at__isnull=True, verify_due_at__lt=NOW, status__in=OPEN_STATUSES)
    open_at_end = (
        Incident.objects.filter(reported_at__lt=Q3_END)
        .filter(COUNTED)
        .filter(Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=Q3_END))
    )
    overdue = [
        i
        for i in open_at_end
        if (i.verified_at is None or i.verified_at >= Q3_END)
        and i.verify_due_at
        and i.verify_due_at < Q3_END
        or (i.verified_at and i.verified_at < Q3_END and i.followup_due_at and i.followup_due_at < Q3_END)
    ]
    return {
        "reports_received": counted.count(),
        "reports_rejected_or_duplicate": rows.exclude(COUNTED).count(),
        "fire_reports": fires.count(),
        "fire_reports_without_arrival": fires.filter(arrived_at__isnull=True).count(),
        "fire_on_time_share": round(100 * on_time / len(arrived), 2),
        "fire_response_median_minutes": round(statistics.median(arrived) / 60, 2),
        "verified_on_time_share": round(
            100
            * sum(1 for i in verified if i.verified_at <= i.verify_due_at)
            / (verified.count() + verify_late_open.count()),
            2,
        ),
        "overdue_at_period_end": len(overdue),
        "overdue_carried_over": sum(1 for i in overdue if i.reported_at < Q3_START),
        "reports_entered_late": counted.filter(created_at__gte=Q3_END).count(),
    }


@pytest.mark.django_db
def test_every_place_shows_the_plain_figures(quarter, client):
    with time_machine.travel(NOW, tick=False):
        want = plain_figures()
        # The cases the definitions are about are really in the data.
        assert want["fire_on_time_share"] == round(100 * 2 / 3, 2)  # 15:40 is late
        assert want["fire_reports_without_arrival"] == 1
        assert want["overdue_carried_over"] == 1 and want["reports_entered_late"] == 1
        api = APIClient()
        api.force_authenticate(quarter.pimpinan)
        response = api.get("/api/v1/spm/figures/", {"period": "2026-Q3"})
        assert response.status_code == 200, response.content
        body = response.json()
        assert body["period"]["closed"] is True and body["period"]["provisional"] is False
        from_api = {f["key"]: f for f in body["figures"]}
        for key, value in want.items():
            assert from_api[key]["value"] == value, key
        # Denominators are named beside the share.
        assert from_api["fire_on_time_share"]["denominator"] == 3
        assert "waktu tiba" in from_api["fire_on_time_share"]["denominator_label"]

        summary = summary_generate(period_key="2026-Q3", now=NOW)
        stored = {f["key"]: f["value"] for f in summary.figures["figures"]}
        for key, value in want.items():
            assert stored[key] == value, key

        client.force_login(quarter.pimpinan)
        parser = FigureParser()
        parser.feed(client.get("/dasbor/", {"year": 2026, "quarter": 3}).content.decode())
        for key in ("reports_received", "fire_reports", "overdue_at_period_end", "overdue_carried_over"):
            assert number(parser.figures[key][0]) == want[key], key
        for key in ("fire_on_time_share", "verified_on_time_share", "fire_response_median_minutes"):
            assert number(parser.figures[key][0]) == shown(want[key]), key

        summary_page = FigureParser()
        summary_page.feed(client.get(f"/ringkasan/{summary.pk}/").content.decode())
        assert number(summary_page.figures["overdue_at_period_end"][0]) == want["overdue_at_period_end"]
        assert number(summary_page.figures["fire_on_time_share"][0]) == shown(want["fire_on_time_share"])


@pytest.mark.django_db
def test_the_running_period_is_provisional_everywhere(quarter, client):
    with time_machine.travel(NOW, tick=False):
        api = APIClient()
        api.force_authenticate(quarter.pimpinan)
        body = api.get("/api/v1/spm/figures/", {"period": "2026-Q4"}).json()
        assert body["period"]["provisional"] is True and body["period"]["closed"] is False
        # No change arrow against a complete quarter.
        client.force_login(quarter.pimpinan)
        page = client.get("/dasbor/", {"year": 2026, "quarter": 4}).content.decode()
        assert 'data-testid="provisional"' in page and 'data-figure="change.' not in page
        summary = summary_generate(period_key="2026-Q4", now=NOW)
        assert summary.provisional and summary.figures["period_info"]["provisional"]
        assert "sementara" in client.get(f"/ringkasan/{summary.pk}/").content.decode()


@pytest.mark.django_db
def test_figures_api_refuses_bad_input_and_other_roles(quarter):
    api = APIClient()
    api.force_authenticate(quarter.pimpinan)
    for bad in ({"period": "2026-Q5"}, {"period": "kemarin"}, {"period": "2026-Q3", "kecamatan": "99.99.99"}, {}):
        response = api.get("/api/v1/spm/figures/", bad)
        assert response.status_code == 400, bad
    api.force_authenticate(quarter.officer_rupit)
    assert api.get("/api/v1/spm/figures/", {"period": "2026-Q3"}).status_code == 403
    assert APIClient().get("/api/v1/spm/figures/", {"period": "2026-Q3"}).status_code == 401


@pytest.mark.django_db
def test_late_entries_are_counted_for_the_period_that_had_ended(quarter):
    # Received in July, entered in August: late for July, not for the third quarter.
    july = make_spm_report(quarter, "ketertiban-umum", at(2026, 8, 3, 9, 0))
    Incident.objects.filter(pk=july.pk).update(reported_at=at(2026, 7, 15, 9, 0))
    from spm.rollup import rebuild_stats

    rebuild_stats()

    def plain(start, end):
        return (
            Incident.objects.filter(reported_at__gte=start, reported_at__lt=end, created_at__gte=end)
            .filter(COUNTED)
            .count()
        )

    with time_machine.travel(NOW, tick=False):
        api = APIClient()
        api.force_authenticate(quarter.pimpinan)
        for key, start, end in (
            ("2026-07", at(2026, 7, 1, 0, 0), at(2026, 8, 1, 0, 0)),
            ("2026-09", at(2026, 9, 1, 0, 0), Q3_END),
            ("2026-Q3", Q3_START, Q3_END),
        ):
            figures = {f["key"]: f["value"] for f in api.get("/api/v1/spm/figures/", {"period": key}).json()["figures"]}
            assert figures["reports_entered_late"] == plain(start, end), key
        assert plain(at(2026, 7, 1, 0, 0), at(2026, 8, 1, 0, 0)) == 1 and plain(Q3_START, Q3_END) == 1
