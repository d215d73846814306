"""The queue and its map open on the work to do for the role, with "Semua"
one tap away, and the filters folded unless the user chose one."""

import pytest
from django.urls import reverse

from incidents.workflow.assignment_request import assignment_request_create
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db
HOME = reverse("desk:home")


@pytest.fixture
def reports(personas, make_incident):
    new = make_incident()
    verified = make_incident(category="kebakaran-permukiman")
    requested = make_incident(category="ketertiban-umum")
    done = make_incident()
    nibung = make_incident(desa=DESA_NIBUNG)
    for incident in (verified, requested, done):
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi")
    assignment_request_create(incident=requested, actor=personas.officer_rupit)
    incident_assign(incident=done, actor=personas.koordinator, agency="bpbd")
    incident_assign(incident=verified, actor=personas.koordinator, agency="bpbd")
    incident_transition(incident=done, actor=personas.koordinator, to="ditangani")
    incident_transition(incident=done, actor=personas.koordinator, to="selesai", note="Air sudah surut.")
    return {"new": new, "verified": verified, "requested": requested, "done": done, "nibung": nibung}


def listed(client, params=None):
    response = client.get(HOME, params or {})
    assert response.status_code == 200
    return response, {row["incident"].tracking_code for row in response.context["rows"]}


def codes(reports, *names):
    return {reports[n].tracking_code for n in names}


def test_koordinator_opens_on_new_and_awaiting_assignment(client, personas, reports):
    client.force_login(personas.koordinator)
    response, shown = listed(client)
    assert shown == codes(reports, "new", "requested", "nibung")
    html = response.content.decode()
    assert 'id="work-note"' in html and "menunggu penugasan" in html
    # "Semua" is one tap away and lists the closed report too.
    assert response.context["all_url"] == HOME + "?status="
    _, everything = listed(client, {"status": ""})
    assert everything == codes(reports, "new", "verified", "requested", "done", "nibung")


def test_petugas_opens_on_the_open_reports_of_their_area(client, personas, reports):
    client.force_login(personas.officer_rupit)
    _, shown = listed(client)
    assert shown == codes(reports, "new", "verified", "requested")
    _, everything = listed(client, {"status": ""})
    assert everything == codes(reports, "new", "verified", "requested", "done")


def test_mitra_opens_on_the_open_reports_assigned_to_their_agency(client, personas, reports):
    client.force_login(personas.mitra_bpbd)
    _, shown = listed(client)
    assert shown == codes(reports, "verified")
    _, everything = listed(client, {"status": ""})
    assert everything == codes(reports, "verified", "done")


def test_leaders_open_on_open_reports(client, personas, reports):
    client.force_login(personas.pimpinan)
    _, shown = listed(client)
    assert shown == codes(reports, "new", "verified", "requested", "nibung")


def test_the_status_tabs_do_not_carry_the_default(client, personas, reports):
    client.force_login(personas.koordinator)
    response, _ = listed(client)
    tabs = {tab["value"]: tab for tab in response.context["status_tabs"]}
    assert tabs["selesai"]["url"] == "?status=selesai"
    _, closed = listed(client, {"status": "selesai"})
    assert closed == codes(reports, "done")


def test_filters_folded_on_default_and_open_when_chosen(client, personas, reports):
    client.force_login(personas.koordinator)
    html = listed(client)[0].content.decode()
    assert '<details class="filter-fold" id="filter-fold">' in html
    assert "fold-wide-open" not in html.split('id="filter-fold"')[0].rsplit("<details", 1)[-1]
    chosen = listed(client, {"category": "kebakaran-permukiman"})[0].content.decode()
    assert '<details class="filter-fold" id="filter-fold" open>' in chosen
    everything = listed(client, {"status": ""})[0].content.decode()
    assert '<details class="filter-fold" id="filter-fold">' in everything and 'id="work-note"' not in everything


def test_the_map_opens_on_the_same_work(client, personas, reports):
    client.force_login(personas.officer_rupit)
    page = client.get(reverse("desk:map"))
    assert page.context["geojson_url"] == reverse("desk:map_geojson")
    assert page.context["list_url"] == HOME
    data = client.get(page.context["geojson_url"]).json()
    assert {f["properties"]["c"] for f in data["features"]} == codes(reports, "new", "verified", "requested")
    everything = client.get(reverse("desk:map"), {"status": ""})
    assert everything.context["geojson_url"] == reverse("desk:map_geojson") + "?status="
    data = client.get(everything.context["geojson_url"]).json()
    assert codes(reports, "done") <= {f["properties"]["c"] for f in data["features"]}


def test_the_koordinators_filter_is_in_the_staff_api_too(client, personas, reports):
    client.force_login(personas.koordinator)
    response = client.get("/api/v1/incidents/", {"awaiting_coordinator": "true"})
    assert response.status_code == 200
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {row["tracking_code"] for row in rows} == codes(reports, "new", "requested", "nibung")
    # The API itself has no role default: without filters, every report.
    body = client.get("/api/v1/incidents/").json()
    rows = body["results"] if isinstance(body, dict) else body
    assert len(rows) == 5
