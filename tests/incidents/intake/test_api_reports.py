"""POST /api/v1/reports/, GET /api/v1/reports/track/{code}/ and the public map layer."""

import io
import re
import uuid

import pytest
from django.test import Client
from PIL import Image
from rest_framework.authtoken.models import Token

from incidents.models import Category, Desa, Incident, IncidentEvent, IncidentPhoto, Status
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
IDENTITY = (b"Siti Aminah", b"081234567890", b"siti@example.test")


def payload(**overrides):
    data = {
        "category": "bencana-banjir",
        "description": "Air Sungai Rupit meluap, rumah warga terendam setinggi lutut.",
        "desa": DESA_RUPIT,
        "consent": True,
        "reporter_name": "Siti Aminah",
        "reporter_phone": "081234567890",
        "reporter_email": "siti@example.test",
        "details": {"rumah_terendam": 12},
    }
    data.update(overrides)
    return data


def post(client, data, **extra):
    return client.post(URL, data, content_type="application/json", **extra)


def jpeg_bytes(size=(64, 48), color=(200, 30, 30)):
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="JPEG")
    return out.getvalue()


def test_anonymous_json_report_is_created(client, settings):
    settings.SITE_URL = "https://kitaaman.example"
    response = post(client, payload(occurred_at="2026-01-05T08:30:00+07:00", location_detail="Dusun II"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert re.fullmatch(r"KA-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{5}", body["tracking_code"])
    assert body["tracking_url"] == f"https://kitaaman.example/lacak/{body['tracking_code']}/"
    assert body["status"] == "baru"
    assert body["created_at"]
    incident = Incident.objects.get(tracking_code=body["tracking_code"])
    assert incident.desa_id == DESA_RUPIT and incident.kecamatan_id == "16.13.01"
    assert incident.details == {"rumah_terendam": 12}
    assert incident.reporter_name == "Siti Aminah"
    assert incident.location_detail == "Dusun II"
    assert incident.created_by is None
    assert incident.consent_at is not None
    assert list(incident.events.values_list("kind", flat=True)) == ["created"]


def test_point_without_desa_is_placed_in_a_desa(client):
    desa = Desa.objects.get(code=DESA_NIBUNG)
    response = post(client, payload(desa=None, lat=desa.lat, lng=desa.lng))
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.desa.kecamatan_id == "16.13.03"
    assert incident.lat == pytest.approx(desa.lat)


def test_anonymous_client_needs_no_csrf_token():
    client = Client(enforce_csrf_checks=True)
    response = post(client, payload())
    assert response.status_code == 201, response.content


def test_staff_session_cookie_is_ignored_so_no_cross_site_forgery(personas):
    # A page on another site could make an officer's browser post here; the
    # session is not used by this endpoint, so nothing is done in their name.
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer_rupit)
    response = post(client, payload())
    assert response.status_code == 201
    assert Incident.objects.get().created_by is None


def test_staff_token_records_who_entered_the_report(client, personas):
    token = Token.objects.create(user=personas.officer_rupit)
    response = post(client, payload(), HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 201
    assert Incident.objects.get().created_by == personas.officer_rupit


def test_bad_token_is_401_envelope(client):
    response = post(client, payload(), HTTP_AUTHORIZATION="Token nonsense")
    assert response.status_code == 401
    assert response.json()["error"]["code"]
    assert Incident.objects.count() == 0


def test_repeated_client_uuid_answers_200_with_the_same_report(client):
    key = str(uuid.uuid4())
    first = post(client, payload(client_uuid=key))
    second = post(client, payload(client_uuid=key, description="Kiriman ulang dari ponsel"))
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["tracking_code"] == first.json()["tracking_code"]
    assert Incident.objects.count() == 1
    assert IncidentEvent.objects.count() == 1


def test_honeypot_looks_like_success_but_stores_nothing(client):
    response = post(client, payload(website="http://spam.example"))
    assert response.status_code == 201
    assert response.json()["tracking_code"].startswith("KA-")
    assert Incident.objects.count() == 0
    track = client.get(f"/api/v1/reports/track/{response.json()['tracking_code']}/")
    assert track.status_code == 404


def test_multipart_with_photos_and_details_as_json_string(client):
    data = payload(details='{"rumah_terendam": 3, "mengungsi": 10}', consent="true", anonymous="true")
    data["photos"] = [
        io.BytesIO(jpeg_bytes()),
        io.BytesIO(jpeg_bytes(color=(0, 0, 200))),
    ]
    data["photos"][0].name = "IMG_0001.jpg"
    data["photos"][1].name = "IMG_0002.jpg"
    response = client.post(URL, data)
    assert response.status_code == 201, response.content
    incident = Incident.objects.get()
    assert incident.details == {"rumah_terendam": 3, "mengungsi": 10}
    assert incident.anonymous is True
    photos = list(IncidentPhoto.objects.filter(incident=incident))
    assert len(photos) == 2
    assert all("IMG_000" not in p.image.name for p in photos)


def test_multipart_details_bad_json_is_400(client):
    response = client.post(URL, payload(details="{not json"))
    assert response.status_code == 400
    assert "details" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_service_field_errors_use_the_envelope(client):
    response = post(client, payload(category="konflik-perusahaan", details={"ada_kekerasan": False}))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"] == "Data yang dikirim tidak valid."
    assert "details.pokok_masalah" in error["fields"]
    assert "details.perusahaan" in error["fields"]


def test_submissions_are_throttled_per_address_with_retry_after(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"report_submit": "2/hour", "track": "100/hour"},
    }
    assert post(client, payload(), REMOTE_ADDR="10.1.1.1").status_code == 201
    assert post(client, payload(), REMOTE_ADDR="10.1.1.1").status_code == 201
    refused = post(client, payload(), REMOTE_ADDR="10.1.1.1")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["error"]["code"] == "throttled"
    assert Incident.objects.count() == 2
    # Another address, or a forged X-Forwarded-For from the same one, is counted separately only in the first case.
    assert post(client, payload(), REMOTE_ADDR="10.1.1.2").status_code == 201
    assert post(client, payload(), REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


# --- tracking ---------------------------------------------------------------------------------------


def track(client, code, **extra):
    return client.get(f"/api/v1/reports/track/{code}/", **extra)


def test_track_shows_the_public_view(client, make_incident):
    incident = make_incident(category="bencana-banjir", desa=DESA_RUPIT, lat=-2.7208, lng=102.8941)
    IncidentEvent.objects.create(
        incident=incident, kind="note", note="Catatan internal: pelapor kerabat kades", public=False
    )
    IncidentEvent.objects.create(
        incident=incident,
        kind="transition",
        from_status="baru",
        to_status="diverifikasi",
        note="Laporan diperiksa petugas.",
        public=True,
    )
    response = track(client, incident.tracking_code)
    assert response.status_code == 200
    body = response.json()
    assert body["tracking_code"] == incident.tracking_code
    assert body["status"] == "baru" and body["status_label"] == "Baru"
    assert body["category"] == {"code": "bencana-banjir", "name": "Banjir"}
    assert body["desa"]["code"] == DESA_RUPIT and body["kecamatan"] == {"code": "16.13.01", "name": "Rupit"}
    assert [e["kind"] for e in body["timeline"]] == ["created", "transition"]
    assert body["timeline"][1]["status"] == "diverifikasi"
    assert body["duplicate_of"] is None
    assert body["point"]["approximate"] is False
    raw = response.content
    assert b"Catatan internal" not in raw
    for secret in IDENTITY:
        assert secret not in raw


def test_track_accepts_the_code_as_typed_on_a_phone(client, make_incident):
    incident = make_incident()
    typed = incident.tracking_code.lower().replace("-", " ")
    assert track(client, typed).status_code == 200


def test_track_unknown_code_is_404_envelope(client):
    for code in ("KA-2222-22222", "nonsense", "x" * 300):
        response = track(client, code)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_track_never_shows_the_exact_point_of_a_conflict(client, make_incident):
    incident = make_incident(category="konflik-perusahaan", desa=DESA_RUPIT, lat=-2.71234, lng=102.88765)
    response = track(client, incident.tracking_code)
    body = response.json()
    assert body["point"]["approximate"] is True
    assert b"2.71234" not in response.content and b"102.88765" not in response.content
    assert b"2.7123" not in response.content
    for secret in IDENTITY:
        assert secret not in response.content


def test_track_of_a_duplicate_gives_only_the_originals_status(client, make_incident):
    original = make_incident()
    copy = make_incident()
    Incident.objects.filter(pk=copy.pk).update(status=Status.DUPLIKAT, duplicate_of=original)
    response = track(client, copy.tracking_code)
    assert response.json()["status"] == "duplikat"
    assert response.json()["duplicate_of"] == {"status": "baru", "status_label": "Baru"}
    assert original.tracking_code.encode() not in response.content


def test_track_is_throttled(client, settings, make_incident):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"report_submit": "10/hour", "track": "3/minute"},
    }
    code = make_incident().tracking_code
    statuses = [track(client, code).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


# --- public map layer -------------------------------------------------------------------------------


def test_public_geojson_hides_identity_confidential_and_conflict_points(client, make_incident):
    # The point lies in Lawang Agung (Rupit); a point outside the report's desa is never shown exactly.
    flood = make_incident(category="bencana-banjir", desa="16.13.01.2010", lat=-2.70011, lng=102.90022)
    conflict = make_incident(category="konflik-perusahaan", lat=-2.71234, lng=102.88765)
    secret = make_incident(category="bencana-banjir", confidential=True, description="Rahasia")
    fresh = make_incident(category="bencana-banjir")
    Incident.objects.filter(pk__in=[flood.pk, conflict.pk, secret.pk]).update(status=Status.DIVERIFIKASI)
    response = client.get("/api/v1/reports/public.geojson")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")
    data = response.json()
    assert data["type"] == "FeatureCollection"
    assert len(data["features"]) == 2  # the confidential one and the unchecked one stay off
    points = {tuple(f["geometry"]["coordinates"]) for f in data["features"]}
    rupit = Desa.objects.get(code=DESA_RUPIT)
    assert (102.9002, -2.7001) in points  # rounded to 4 decimals (about 11 m)
    assert (round(rupit.lng, 4), round(rupit.lat, 4)) in points
    raw = response.content
    assert b"2.7123" not in raw and b"102.8876" not in raw and b"102.8877" not in raw
    for value in IDENTITY:
        assert value not in raw
    assert secret.tracking_code.encode() not in raw and fresh.tracking_code.encode() not in raw


def test_public_geojson_ignores_the_accept_header(client):
    response = client.get("/api/v1/reports/public.geojson", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/geo+json")


def test_inactive_category_is_refused(client):
    Category.objects.filter(code="bencana-gempa").update(active=False)
    response = post(client, payload(category="bencana-gempa", details={}))
    assert response.status_code == 400
    assert "category" in response.json()["error"]["fields"]
    assert Incident.objects.count() == 0


def test_track_shows_every_status_change_but_never_an_internal_note(client, make_incident):
    incident = make_incident()
    IncidentEvent.objects.create(
        incident=incident, kind="transition", from_status="baru", to_status="diverifikasi",
        note="Internal: pelapor tetangga kepala desa", public=False,
    )  # fmt: skip
    IncidentEvent.objects.create(
        incident=incident, kind="assignment", note="Internal: tugaskan ke Polres", public=False,
        data={"agency": "polres"},
    )  # fmt: skip
    response = track(client, incident.tracking_code)
    timeline = response.json()["timeline"]
    assert [e["status"] for e in timeline] == ["baru", "diverifikasi"]
    assert timeline[1]["note"] == ""
    assert b"Internal" not in response.content
