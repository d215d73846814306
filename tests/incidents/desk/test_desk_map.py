"""The desk map (/petugas/peta/) and its GeoJSON: the same reports as the queue
for the same filters, area-scoped, no reporter identity, clear errors."""

import gzip
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.demo.generator import DemoGenerator, ensure_demo_users
from incidents.desk.queue_map import MAP_LIMIT, desk_map_geojson
from incidents.models import Desa
from incidents.workflow.assignment_request import assignment_request_create
from incidents.workflow.services import incident_assign, incident_transition
from tests.factories import DESA_NIBUNG, DESA_RUPIT, NIBUNG
from tests.figures import record

pytestmark = pytest.mark.django_db
PAGE = reverse("desk:map")
DATA = reverse("desk:map_geojson")


def geojson(client, params=None):
    response = client.get(DATA, params or {})
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/geo+json"
    assert "no-store" in response["Cache-Control"]
    return response.json()


def codes(data):
    return {f["properties"]["c"] for f in data["features"]}


def expand(data, feature):
    """A compact feature with its names looked up, as desk-map.js does."""
    p = feature["properties"]
    return {
        "code": p["c"],
        "url": data["url"].replace("{}", str(p["i"])),
        "status": data["statuses"][p["s"]]["code"],
        "status_label": data["statuses"][p["s"]]["name"],
        "priority_label": data["priorities"][str(p["p"])],
        "category": data["categories"][p["k"]]["name"],
        "desa": data["desa"][p["d"]]["name"],
        "kecamatan": data["desa"][p["d"]]["kecamatan"],
        "summary": p["m"],
        "approximate": bool(p.get("a")),
        "assignment_requested": bool(p.get("r")),
        "minutes": p["t"],
    }


def queue_codes(client, params):
    """Every report the queue lists for `params`, following its pages."""
    found, query = set(), dict(params)
    while True:
        response = client.get(reverse("desk:home"), query)
        found |= {row["incident"].tracking_code for row in response.context["rows"]}
        if not response.context["next_url"]:
            return found
        query = dict(params, cursor=response.context["page"].next_cursor)


@pytest.fixture
def reports(personas, make_incident):
    flood = make_incident(lat=-2.704, lng=102.853)
    fire = make_incident(category="kebakaran-permukiman")  # no point: desa centroid
    order = make_incident(category="ketertiban-umum", description="Lapak di trotoar pasar")
    nibung = make_incident(desa=DESA_NIBUNG, category="konflik-perusahaan", lat=-2.95, lng=103.05)
    incident_transition(incident=fire, actor=personas.koordinator, to="diverifikasi")
    incident_assign(incident=fire, actor=personas.koordinator, agency="damkar")
    incident_transition(incident=order, actor=personas.koordinator, to="ditolak", note="Bukan kejadian.")
    assignment_request_create(incident=flood, actor=personas.officer_rupit)
    return {"flood": flood, "fire": fire, "order": order, "nibung": nibung}


def test_features_carry_what_the_map_needs_and_no_identity(client, personas, reports):
    client.force_login(personas.koordinator)
    data = geojson(client, {"status": ""})
    assert data["type"] == "FeatureCollection" and data["truncated"] is False
    by_code = {f["properties"]["c"]: f for f in data["features"]}
    flood = by_code[reports["flood"].tracking_code]
    assert flood["geometry"] == {"type": "Point", "coordinates": [102.853, -2.704]}
    props = expand(data, flood)
    assert props["url"] == f"/petugas/laporan/{reports['flood'].pk}/"
    assert (props["status"], props["status_label"], props["approximate"]) == ("baru", "Baru", False)
    assert props["assignment_requested"] is True
    assert props["summary"].startswith("Air sungai meluap")
    assert (props["desa"], props["category"]) == ("Muara Rupit", reports["flood"].category.name)
    # Received: minutes after t0, the oldest report's minute.
    created = data["t0"] + props["minutes"] * 60
    assert abs(created - reports["flood"].created_at.timestamp()) < 60
    desa = Desa.objects.get(code=DESA_RUPIT)
    fire = by_code[reports["fire"].tracking_code]
    assert fire["geometry"]["coordinates"] == [round(desa.lng, 4), round(desa.lat, 4)]
    assert expand(data, fire)["approximate"] is True
    text = client.get(DATA, {"status": ""}).content.decode()
    for secret in ("Siti Aminah", "081234567890", "siti@example.test"):
        assert secret not in text
    # Names are listed once, not per feature.
    assert text.count('"Muara Rupit"') == 1


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": ""},
        {"status": "terbuka"},
        {"status": "ditolak"},
        {"category": "kebakaran-permukiman"},
        {"kecamatan": NIBUNG},
        {"agency": "damkar"},
        {"q": "trotoar"},
        {"priority": "4"},
        {"assignment_requested": "1"},
    ],
)
def test_map_shows_exactly_what_the_queue_lists(client, personas, reports, params):
    client.force_login(personas.koordinator)
    assert codes(geojson(client, params)) == queue_codes(client, params)


def test_officer_of_rupit_never_sees_a_nibung_report_on_the_map(client, personas, reports):
    client.force_login(personas.officer_rupit)
    nibung = reports["nibung"].tracking_code
    assert codes(geojson(client, {"status": ""})) == {reports[k].tracking_code for k in ("flood", "fire", "order")}
    # By default: the open ones of their area (the rejected one is closed).
    assert codes(geojson(client)) == {reports[k].tracking_code for k in ("flood", "fire")}
    assert nibung not in codes(geojson(client, {"q": nibung}))
    assert nibung not in codes(geojson(client, {"desa": DESA_RUPIT}))
    # Asking for another kecamatan outright finds nothing.
    assert codes(geojson(client, {"kecamatan": NIBUNG})) == set()
    page = client.get(PAGE, {"kecamatan": NIBUNG}).content.decode()
    assert nibung not in page and f"/petugas/laporan/{reports['nibung'].pk}/" not in page


def test_mitra_sees_only_reports_assigned_to_its_agency(client, personas, reports):
    incident_assign(incident=reports["nibung"], actor=personas.koordinator, agency="bpbd")
    client.force_login(personas.mitra_bpbd)
    assert codes(geojson(client)) == {reports["nibung"].tracking_code}


@pytest.mark.parametrize(
    "params", [{"status": "hilang"}, {"priority": "9"}, {"created_after": "kemarin"}, {"q": "a\x00b"}]
)
def test_bad_filters_answer_400_with_a_message(client, personas, reports, params):
    client.force_login(personas.koordinator)
    response = client.get(DATA, params)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert client.get(PAGE, params).status_code == 200  # the page says so and shows the unfiltered map


def test_page_passes_its_filters_to_the_data_and_back_to_the_list(client, personas, reports):
    client.force_login(personas.koordinator)
    response = client.get(PAGE, {"status": "terbuka", "category": "kebakaran-permukiman"})
    assert response.status_code == 200
    body = response.content.decode()
    assert response.context["geojson_url"] == f"{DATA}?status=terbuka&category=kebakaran-permukiman"
    assert response.context["list_url"] == "/petugas/?status=terbuka&category=kebakaran-permukiman"
    assert 'id="desk-map"' in body and "leaflet.markercluster.js" in body
    assert '<details class="filter-fold' in body
    queue = client.get(reverse("desk:home"), {"status": "terbuka"}).context
    assert queue["map_url"] == f"{PAGE}?status=terbuka"


def test_the_limit_is_said_not_hidden(personas, reports):
    data = desk_map_geojson(personas.koordinator, {}, limit=2)
    assert len(data["features"]) == 2 and data["truncated"] is True
    # Newest first.
    assert [f["properties"]["c"] for f in data["features"]] == [
        reports["nibung"].tracking_code,
        reports["order"].tracking_code,
    ]


def test_query_count_does_not_grow_with_the_reports(client, personas, make_incident):
    client.force_login(personas.koordinator)
    make_incident()
    client.get(DATA)  # warm the session and the permission cache
    with CaptureQueriesContext(connection) as few:
        client.get(DATA)
    for _ in range(10):
        make_incident(desa=DESA_NIBUNG)
    with CaptureQueriesContext(connection) as many:
        client.get(DATA)
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_read_only(client, personas, reports, method):
    client.force_login(personas.koordinator)
    assert getattr(client, method)(DATA).status_code == 405
    assert getattr(client, method)(PAGE).status_code == 405


def test_anonymous_and_non_staff_are_refused(client, django_user_model):
    for url in (PAGE, DATA):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]
    client.force_login(django_user_model.objects.create_user("warga", password="x"))
    assert client.get(DATA).status_code == 403


def test_two_thousand_reports_fit_well_under_100_kb_compressed(client, personas):
    """The cap (2,000 reports, "Semua") as a phone downloads it: compact
    features, gzip. The role's default view is far smaller still."""
    ensure_demo_users(reset_passwords=False)
    DemoGenerator(seed=7, months=6).run(MAP_LIMIT + 50)
    client.force_login(personas.koordinator)
    response = client.get(DATA, {"status": ""}, HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    body = gzip.decompress(response.content)
    data = json.loads(body)
    assert len(data["features"]) == MAP_LIMIT and data["truncated"] is True
    assert len(response.content) < 80_000, len(response.content)
    default = client.get(DATA, HTTP_ACCEPT_ENCODING="gzip")
    record(
        f"desk map layer, {MAP_LIMIT} reports: {len(body):,} B plain, {len(response.content):,} B gzip; "
        f"koordinator's default: {len(default.content):,} B gzip"
    )
    assert len(default.content) < len(response.content)


def test_desk_map_puts_leaflets_controls_in_the_pages_language(client, personas):
    """peta-bahasa.js runs right after leaflet.js (before the map is made) with the page's words."""
    client.force_login(personas.koordinator)
    html = client.get(PAGE).content.decode()
    leaflet = html.index("leaflet.js")
    assert leaflet < html.index("js/peta-bahasa.js") < html.index("js/desk-map.js")
    assert 'data-zoom-in="Perbesar" data-zoom-out="Perkecil"' in html
