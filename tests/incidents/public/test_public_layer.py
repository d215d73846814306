"""The public map layer (/api/v1/reports/public.geojson): compact, filtered by
period and bounding box, cached on the server, renewed when a public report
changes, answered with 304 to a phone that already has it, and never holding
what the privacy rules keep out. Anyone may read it (no login)."""

import gzip

import pytest
from django.utils import timezone

from incidents.models import Desa, Incident, Status
from incidents.public import cache as public_cache
from incidents.workflow.services import incident_transition, incident_update
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/public.geojson"
IDENTITY = (b"Siti Aminah", b"081234567890", b"siti@example.test")
# A point inside Lawang Agung (Rupit).
LAWANG_AGUNG = "16.13.01.2010"
INSIDE_LAWANG_AGUNG = {"lat": -2.70011, "lng": 102.90022}


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Runs what the services leave for after the commit (the cache version bump)."""

    def run(action, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return action(*args, **kwargs)

    return run


@pytest.fixture
def verified(personas, make_incident, commit):
    def make(**kwargs):
        incident = commit(make_incident, **kwargs)
        commit(incident_transition, incident=incident, actor=personas.koordinator, to=Status.DIVERIFIKASI)
        incident.refresh_from_db()
        return incident

    return make


def names(data):
    """Each feature with its lookups resolved: (category code, status, desa name, kecamatan name)."""
    rows = []
    for feature in data["features"]:
        p = feature["properties"]
        desa = data["desa"][p["d"]]
        rows.append(
            (data["categories"][p["k"]]["code"], data["statuses"][p["s"]]["code"], desa["name"], desa["kecamatan"])
        )
    return rows


def test_a_report_appears_once_verified_and_the_old_etag_stops_matching(client, personas, make_incident, commit):
    incident = commit(make_incident, **INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG)
    empty = client.get(URL)
    assert empty.status_code == 200 and empty.json()["features"] == []
    etag = empty["ETag"]
    assert "public" in empty["Cache-Control"] and "max-age=60" in empty["Cache-Control"]

    unchanged = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert unchanged.status_code == 304 and unchanged.content == b""

    commit(incident_transition, incident=incident, actor=personas.koordinator, to=Status.DIVERIFIKASI)
    renewed = client.get(URL, HTTP_IF_NONE_MATCH=etag)
    assert renewed.status_code == 200 and renewed["ETag"] != etag
    data = renewed.json()
    assert names(data) == [("bencana-banjir", Status.DIVERIFIKASI, "Lawang Agung", "Rupit")]
    assert data["statuses"][data["features"][0]["properties"]["s"]]["name"] == "Diverifikasi"
    assert data["categories"] == [{"code": "bencana-banjir", "name": "Banjir", "group": "bencana"}]
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [102.9002, -2.7001]
    assert "a" not in feature["properties"]
    assert feature["properties"]["t"] == 30  # days after `since`: received today
    assert data["since"] == (timezone.localdate() - timezone.timedelta(days=30)).isoformat()


def test_new_reports_keep_the_cached_layer(client, verified, make_incident, commit):
    verified()
    first = client.get(URL)
    version = public_cache.version(public_cache.LAYER)
    for _ in range(3):
        commit(make_incident)  # new, unchecked: not on the map
    assert public_cache.version(public_cache.LAYER) == version
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_layer_follows_a_report_moved_to_another_desa(client, personas, verified, commit):
    incident = verified()
    before = client.get(URL)
    assert names(before.json())[0][2] == "Muara Rupit"
    commit(incident_update, incident=incident, actor=personas.koordinator, version=incident.version, desa=DESA_NIBUNG)
    after = client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200
    assert names(after.json())[0][2] == Desa.objects.get(code=DESA_NIBUNG).name


def test_a_report_leaves_the_layer_when_an_officer_marks_it_confidential(client, personas, verified, commit):
    incident = verified(**INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG)
    before = client.get(URL)
    assert len(before.json()["features"]) == 1
    commit(incident_update, incident=incident, actor=personas.koordinator, version=incident.version, confidential=True)
    after = client.get(URL, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after.json()["features"] == []
    assert b"102.9002" not in after.content


def test_a_report_the_reporter_asked_to_keep_off_never_shows(client, verified):
    verified(confidential=True, **INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG)
    assert client.get(URL).json()["features"] == []


def test_the_layer_never_holds_what_privacy_keeps_out(client, personas, make_incident, verified, commit):
    shown = verified(**INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG, title="Judul internal", description="Uraian rahasia")
    conflict = verified(category="konflik-perusahaan", lat=-2.71234, lng=102.88765)
    secret = verified(confidential=True)
    fresh = commit(make_incident, description="Laporan baru")
    rejected = commit(make_incident)
    commit(
        incident_transition, incident=rejected, actor=personas.koordinator, to=Status.DITOLAK, note="Bukan kewenangan."
    )
    duplicate = commit(make_incident)
    commit(
        incident_transition,
        incident=duplicate,
        actor=personas.koordinator,
        to=Status.DUPLIKAT,
        duplicate_of=shown.tracking_code,
    )
    response = client.get(URL)
    data = response.json()
    raw = response.content
    assert len(data["features"]) == 2  # the verified ones, without the confidential one
    rupit = Desa.objects.get(code=DESA_RUPIT)
    conflict_feature = next(
        f for f in data["features"] if data["categories"][f["properties"]["k"]]["group"] == "konflik"
    )
    assert conflict_feature["geometry"]["coordinates"] == [round(rupit.lng, 4), round(rupit.lat, 4)]
    assert conflict_feature["properties"]["a"] == 1
    assert b"2.7123" not in raw and b"102.8876" not in raw and b"102.8877" not in raw
    for secret_text in (*IDENTITY, b"Judul internal", b"Uraian rahasia", b"Laporan baru"):
        assert secret_text not in raw
    for incident in (shown, conflict, secret, fresh, rejected, duplicate):
        assert incident.tracking_code.encode() not in raw
    assert set(data["features"][0]["properties"]) <= {"k", "s", "d", "t", "a"}


def test_period_and_since_filter_by_the_day_received(client, verified):
    recent = verified()
    old = verified(category="ketertiban-umum")
    Incident.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=45))
    public_cache.bump(public_cache.LAYER)  # a bulk UPDATE has no hook: what the short TTL is for

    def categories(**params):
        return sorted(row[0] for row in names(client.get(URL, params).json()))

    assert categories() == ["bencana-banjir"]  # the last 30 days by default
    assert categories(period="7d") == ["bencana-banjir"]
    assert categories(period="90d") == ["bencana-banjir", "ketertiban-umum"]
    day = timezone.localdate() - timezone.timedelta(days=46)
    assert categories(since=day.isoformat()) == ["bencana-banjir", "ketertiban-umum"]
    assert client.get(URL, {"since": day.isoformat()}).json()["since"] == day.isoformat()
    assert recent.pk != old.pk


def test_bbox_filters_on_the_point_the_public_sees(client, verified):
    flood = verified(**INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG)
    nibung = verified(desa=DESA_NIBUNG)
    rupit = Desa.objects.get(code=DESA_RUPIT)
    # The conflict's real point lies in Lawang Agung; the public sees it at Muara Rupit's centre.
    verified(category="konflik-perusahaan", **INSIDE_LAWANG_AGUNG)

    def desa_names(bbox):
        response = client.get(URL, {"bbox": bbox})
        assert response.status_code == 200
        return sorted(row[2] for row in names(response.json()))

    around_flood = "102.8990,-2.7010,102.9010,-2.6990"
    assert desa_names(around_flood) == ["Lawang Agung"]  # not the conflict, whose real point is there too
    around_rupit_centre = f"{rupit.lng - 0.001},{rupit.lat - 0.001},{rupit.lng + 0.001},{rupit.lat + 0.001}"
    assert desa_names(around_rupit_centre) == ["Muara Rupit"]
    assert len(desa_names("102.0,-3.5,104.0,-2.0")) == 3
    assert nibung.pk and flood.pk


@pytest.mark.parametrize(
    "params, field, message",
    [
        ({"period": "1y"}, "period", "Periode harus salah satu dari"),
        ({"since": "2026-13-01"}, "since", "Tanggal harus berformat"),
        ({"since": "1999-12-31"}, "since", "Tanggal terlalu lama"),
        ({"bbox": "abc"}, "bbox", "Batas peta harus empat angka"),
        ({"bbox": "102,-3,103"}, "bbox", "Batas peta harus empat angka"),
        ({"bbox": "102,-3,103,nan"}, "bbox", "Batas peta harus empat angka"),
        ({"bbox": "103,-3,102,-2"}, "bbox", "Batas peta tidak masuk akal"),
        ({"bbox": "102,-3,103,95"}, "bbox", "Batas peta tidak masuk akal"),
    ],
)
def test_bad_parameters_are_a_400_in_bahasa_indonesia(client, params, field, message):
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in error["fields"][field][0]


def test_a_date_in_the_future_is_refused(client):
    tomorrow = timezone.localdate() + timezone.timedelta(days=1)
    response = client.get(URL, {"since": tomorrow.isoformat()})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["since"] == ["Tanggal tidak boleh di masa depan."]


def test_served_from_the_cache_gzipped_to_those_who_take_it(client, verified, django_assert_num_queries):
    verified()
    plain = client.get(URL)
    with django_assert_num_queries(0):
        packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] == plain["ETag"]
    assert "Accept-Encoding" in packed["Vary"]
    weak = client.get(URL, HTTP_IF_NONE_MATCH="W/" + plain["ETag"])
    assert weak.status_code == 304  # a proxy that compressed the answer weakened the tag


def test_only_the_newest_reports_fit_and_more_says_so(client, settings, verified):
    settings.KITAAMAN_PUBLIC_LAYER_LIMIT = 2
    verified(category="ketertiban-umum")
    verified()
    verified(category="konflik-antarwarga")
    data = client.get(URL).json()
    assert data["more"] is True
    assert [row[0] for row in names(data)] == ["konflik-antarwarga", "bencana-banjir"]


def test_staff_get_the_same_public_layer(client, personas, verified):
    verified(confidential=True)
    client.force_login(personas.koordinator)
    assert client.get(URL).json()["features"] == []


# --- the self-describing form for GIS clients (format=full) -------------------------------------------

FULL_PROPERTIES = {
    "category",
    "category_name",
    "category_group",
    "status",
    "status_name",
    "desa",
    "desa_name",
    "kecamatan",
    "date",
    "approximate",
}


def test_full_form_names_every_property_and_gives_each_feature_an_id(client, personas, verified, commit):
    shown = verified(**INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG, title="Judul internal", description="Uraian rahasia")
    conflict = verified(category="konflik-perusahaan", lat=-2.71234, lng=102.88765)
    hidden = verified(confidential=True)
    response = client.get(URL, {"format": "full"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection" and set(data) == {"type", "since", "more", "features"}
    by_category = {f["properties"]["category"]: f for f in data["features"]}
    assert set(by_category) == {"bencana-banjir", "konflik-perusahaan"}
    flood = by_category["bencana-banjir"]
    assert set(flood["properties"]) == FULL_PROPERTIES
    assert flood["properties"] == {
        "category": "bencana-banjir",
        "category_name": shown.category.display_name,
        "category_group": shown.category.group,
        "status": Status.DIVERIFIKASI,
        "status_name": str(Status.DIVERIFIKASI.label),
        "desa": LAWANG_AGUNG,
        "desa_name": shown.desa.name,
        "kecamatan": shown.kecamatan.name,
        "date": timezone.localtime(shown.created_at).date().isoformat(),
        "approximate": False,
    }
    assert flood["geometry"] == {"type": "Point", "coordinates": [102.9002, -2.7001]}
    # The same privacy as the compact form: the conflict at the desa centre, no text, no tracking codes.
    rupit = Desa.objects.get(code=DESA_RUPIT)
    assert by_category["konflik-perusahaan"]["properties"]["approximate"] is True
    assert by_category["konflik-perusahaan"]["geometry"]["coordinates"] == [round(rupit.lng, 4), round(rupit.lat, 4)]
    raw = response.content
    for secret in (b"Judul internal", b"Uraian rahasia", b"2.7123", b"102.8876", *IDENTITY):
        assert secret not in raw
    for incident in (shown, conflict, hidden):
        assert incident.tracking_code.encode() not in raw
    # Ids: one per feature, distinct, not the row number, and the same when built again.
    ids = [f["id"] for f in data["features"]]
    assert len(set(ids)) == 2 and all(len(i) == 16 and not i.isdecimal() for i in ids)
    public_cache.bump(public_cache.LAYER)
    assert [f["id"] for f in client.get(URL, {"format": "full", "period": "7d"}).json()["features"]] == ids


def test_compact_form_is_unchanged_by_default_and_when_asked_for(client, verified):
    verified(**INSIDE_LAWANG_AGUNG, desa=LAWANG_AGUNG)
    default = client.get(URL)
    compact = client.get(URL, {"format": "compact"})
    assert default.content == compact.content
    data = default.json()
    assert set(data) == {"type", "since", "more", "categories", "statuses", "desa", "features"}
    (feature,) = data["features"]
    assert set(feature) == {"type", "geometry", "properties"}  # no id
    assert set(feature["properties"]) == {"k", "s", "d", "t"}
    assert names(data) == [("bencana-banjir", Status.DIVERIFIKASI, "Lawang Agung", "Rupit")]
    # The two forms are cached apart: asking for one never answers the other.
    assert client.get(URL, {"format": "full"}).json()["features"][0]["properties"]["desa"] == LAWANG_AGUNG
    assert client.get(URL).content == default.content


def test_an_unknown_format_is_a_400_in_bahasa_indonesia(client):
    response = client.get(URL, {"format": "shapefile"})
    assert response.status_code == 400
    assert "Format harus compact atau full" in response.json()["error"]["fields"]["format"][0]
