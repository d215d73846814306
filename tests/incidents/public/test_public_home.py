"""The home page's month figures: read from the monthly rollup, never from the
reports table, and kept briefly in the cache. Anyone may open it (no login)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import signals
from incidents.models import Incident, Status
from incidents.workflow.services import incident_transition

pytestmark = pytest.mark.django_db


def figure(html: str, category: str) -> str:
    return html.split(f"<span>{category}</span>", 1)[1].split("<strong>", 1)[1].split("</strong>", 1)[0]


@pytest.fixture
def month_of_reports(personas, make_incident):
    floods = [make_incident(category="bencana-banjir") for _ in range(4)]
    make_incident(category="ketertiban-umum", details={"jenis_gangguan": "pelanggaran-perda"})
    make_incident(category="bencana-banjir", confidential=True)  # counted: only the map leaves it out
    incident_transition(incident=floods[0], actor=personas.koordinator, to=Status.DITOLAK, note="Bukan kewenangan.")
    incident_transition(
        incident=floods[1], actor=personas.koordinator, to=Status.DUPLIKAT, duplicate_of=floods[2].tracking_code
    )
    incident_transition(incident=floods[2], actor=personas.koordinator, to=Status.DIVERIFIKASI)


def counted(category: str) -> int:
    return (
        Incident.objects.filter(category__code=category).exclude(status__in=(Status.DUPLIKAT, Status.DITOLAK)).count()
    )


def test_figures_equal_the_reports_received_without_reading_the_reports_table(client, month_of_reports):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    assert figure(html, "Banjir") == str(counted("bencana-banjir")) == "3"
    assert figure(html, "Gangguan ketertiban umum / pelanggaran Perda") == str(counted("ketertiban-umum")) == "1"
    assert "4 laporan diterima" in html
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "spm_statmonthly" in tables
    assert "incidents_incident" not in tables


def test_figures_come_from_the_cache_for_a_while(client, make_incident, month_of_reports):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert "spm_statmonthly" not in " ".join(q["sql"] for q in queries.captured_queries)
    make_incident(category="bencana-banjir")
    # The new report shows once the short cache time has passed (here: the cache emptied).
    assert figure(client.get("/").content.decode(), "Banjir") == "3"
    cache.clear()
    assert figure(client.get("/").content.decode(), "Banjir") == "4"


def test_without_a_rollup_the_reports_table_is_counted(client, monkeypatch, month_of_reports):
    # incidents alone (no app fills the slot) counts its own table.
    monkeypatch.setattr(signals.month_counts_by_category, "function", None)
    html = client.get("/").content.decode()
    assert figure(html, "Banjir") == "3" and figure(html, "Gangguan ketertiban umum / pelanggaran Perda") == "1"
