"""Staff API: who gets what from /api/v1/incidents/... and /api/v1/auth/token/."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.models import AuditLog, EventKind, Incident, IncidentEvent, Status
from incidents.workflow.services import incident_assign, incident_note_add, incident_transition
from tests.factories import DESA_NIBUNG, PASSWORD

API = "/api/v1/incidents/"


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def rupit(make_incident):
    return make_incident()


@pytest.fixture
def nibung(make_incident):
    return make_incident(desa=DESA_NIBUNG, category="konflik-antarwarga")


# --- anonymous -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_gets_401_everywhere(personas, rupit):
    c = client_for()
    pk = rupit.pk
    calls = [
        ("get", API),
        ("post", API),
        ("get", f"{API}{pk}/"),
        ("patch", f"{API}{pk}/"),
        ("post", f"{API}{pk}/transitions/"),
        ("post", f"{API}{pk}/assignments/"),
        ("post", f"{API}{pk}/assignments/bpbd/complete/"),
        ("post", f"{API}{pk}/notes/"),
    ]
    for method, url in calls:
        response = getattr(c, method)(url, {}, format="json")
        assert response.status_code == 401, (method, url)
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_account_without_a_staff_role_is_refused(rupit):
    user = get_user_model().objects.create_user("warga", password=PASSWORD)
    assert client_for(user).get(API).status_code == 403
    assert client_for(user).get(f"{API}{rupit.pk}/").status_code == 403


# --- list ----------------------------------------------------------------------------------------


def codes(response):
    assert response.status_code == 200, response.content
    return {row["tracking_code"] for row in response.json()["results"]}


@pytest.mark.django_db
def test_list_is_scoped_per_role(personas, rupit, nibung):
    assert codes(client_for(personas.officer_rupit).get(API)) == {rupit.tracking_code}
    assert codes(client_for(personas.officer_nibung).get(API)) == {nibung.tracking_code}
    for reader in (personas.koordinator, personas.pimpinan, personas.tim_efektif, personas.admin):
        assert codes(client_for(reader).get(API)) == {rupit.tracking_code, nibung.tracking_code}
    assert codes(client_for(personas.mitra_bpbd).get(API)) == set()
    incident_assign(incident=nibung, actor=personas.koordinator, agency="bpbd")
    assert codes(client_for(personas.mitra_bpbd).get(API)) == {nibung.tracking_code}
    assert codes(client_for(personas.mitra_polres).get(API)) == set()


@pytest.mark.django_db
def test_search_never_leaks_another_kecamatan(personas, rupit, nibung):
    c = client_for(personas.officer_rupit)
    assert codes(c.get(API, {"q": nibung.tracking_code})) == set()
    assert codes(c.get(API, {"kecamatan": nibung.kecamatan_id})) == set()
    assert codes(c.get(API, {"q": "warga"})) == {rupit.tracking_code}


@pytest.mark.django_db
def test_list_filters(personas, make_incident):
    k = personas.koordinator
    flood = make_incident()
    fire = make_incident(category="kebakaran-permukiman")
    conflict = make_incident(category="konflik-antarwarga", desa=DESA_NIBUNG, title="Sengketa batas kebun")
    incident_transition(incident=fire, actor=k, to=Status.DIVERIFIKASI)
    incident_assign(incident=fire, actor=k, agency="damkar")
    Incident.objects.filter(pk=flood.pk).update(due_at=timezone.now() - timedelta(hours=1))
    Incident.objects.filter(pk=conflict.pk).update(created_at=timezone.now() - timedelta(days=40))
    c = client_for(k)
    assert codes(c.get(API, {"status": "diverifikasi"})) == {fire.tracking_code}
    assert codes(c.get(API, {"status": "baru,diverifikasi"})) == {
        flood.tracking_code,
        fire.tracking_code,
        conflict.tracking_code,
    }
    assert codes(c.get(API, {"category": "kebakaran-permukiman"})) == {fire.tracking_code}
    assert codes(c.get(API, {"kecamatan": "16.13.03"})) == {conflict.tracking_code}
    assert codes(c.get(API, {"desa": DESA_NIBUNG})) == {conflict.tracking_code}
    assert codes(c.get(API, {"agency": "damkar"})) == {fire.tracking_code}
    assert codes(c.get(API, {"priority": "4"})) == {fire.tracking_code}
    assert codes(c.get(API, {"overdue": "true"})) == {flood.tracking_code}
    assert codes(c.get(API, {"q": "batas kebun"})) == {conflict.tracking_code}
    assert codes(c.get(API, {"q": conflict.tracking_code.lower()})) == {conflict.tracking_code}
    old = (timezone.localdate() - timedelta(days=10)).isoformat()
    assert codes(c.get(API, {"created_before": old})) == {conflict.tracking_code}
    assert codes(c.get(API, {"created_after": old})) == {flood.tracking_code, fire.tracking_code}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"status": "hilang"},
        {"priority": "x"},
        {"overdue": "mungkin"},
        {"created_after": "kemarin"},
        {"cursor": "rusak"},
    ],
)
def test_bad_filters_are_a_clear_400(personas, params):
    response = client_for(personas.koordinator).get(API, params)
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and body["fields"]


@pytest.mark.django_db
def test_list_pages_by_cursor_without_duplicates(personas, make_incident):
    made = {make_incident().tracking_code for _ in range(5)}
    c = client_for(personas.koordinator)
    seen, url, pages = [], API + "?limit=2", 0
    while url:
        body = c.get(url).json()
        seen += [row["tracking_code"] for row in body["results"]]
        url = body["next"]
        pages += 1
    assert pages == 3 and len(seen) == 5 and set(seen) == made


# --- create --------------------------------------------------------------------------------------


def new_report(**extra):
    data = {
        "category": "bencana-banjir",
        "description": "Warga menelepon: air masuk rumah.",
        "desa": "16.13.01.1007",
        "consent": True,
        "channel": "telepon",
        "reporter_name": "Pak Rahmat",
        "reporter_phone": "0812000111",
    }
    data.update(extra)
    return data


@pytest.mark.django_db
def test_staff_enter_a_report_for_a_citizen(personas):
    when = timezone.now() - timedelta(hours=2)
    response = client_for(personas.officer_rupit).post(API, new_report(reported_at=when.isoformat()), format="json")
    assert response.status_code == 201, response.content
    incident = Incident.objects.get(pk=response.json()["id"])
    assert incident.channel == "telepon" and incident.created_by == personas.officer_rupit
    assert abs((incident.reported_at - when).total_seconds()) < 1
    assert incident.verify_due_at == when + timedelta(hours=1)


@pytest.mark.django_db
def test_create_refuses_future_time_and_foreign_kecamatan(personas):
    c = client_for(personas.officer_rupit)
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    response = c.post(API, new_report(reported_at=future), format="json")
    assert response.status_code == 400 and "reported_at" in response.json()["error"]["fields"]
    response = c.post(API, new_report(desa=DESA_NIBUNG), format="json")
    assert response.status_code == 400 and "desa" in response.json()["error"]["fields"]
    assert not Incident.objects.exists()
    response = c.post(API, new_report(channel="merpati"), format="json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_readers_and_mitra_may_not_create(personas):
    for user in (personas.pimpinan, personas.tim_efektif, personas.mitra_bpbd):
        assert client_for(user).post(API, new_report(), format="json").status_code == 403
    assert not Incident.objects.exists()


# --- detail --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_detail_shows_what_the_desk_needs(personas, rupit):
    incident_note_add(incident=rupit, actor=personas.koordinator, text="Catatan internal", public=False)
    body = client_for(personas.officer_rupit).get(f"{API}{rupit.pk}/").json()
    assert body["version"] == 1
    assert body["allowed_transitions"] == ["diverifikasi"]
    assert body["verify_due_at"] and body["due_at"] == body["verify_due_at"] and body["sla_state"] == "on_time"
    assert "Catatan internal" in [e["note"] for e in body["events"]]
    assert body["reporter"] == {
        "name": "Siti Aminah",
        "phone": "081234567890",
        "email": "siti@example.test",
        "anonymous": False,
        "hidden": False,
    }
    assert body["assignments"] == [] and body["photos"] == []
    assert client_for(personas.officer_nibung).get(f"{API}{rupit.pk}/").status_code == 404
    assert client_for(personas.koordinator).get(f"{API}999999/").status_code == 404


@pytest.mark.django_db
def test_mitra_never_sees_the_reporter(personas, rupit):
    incident_assign(incident=rupit, actor=personas.koordinator, agency="bpbd")
    response = client_for(personas.mitra_bpbd).get(f"{API}{rupit.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "081234567890" not in text and "Siti Aminah" not in text and "siti@example.test" not in text
    assert response.json()["reporter"]["hidden"] is True
    assert response.json()["reporter"]["name"] == "Dirahasiakan"
    assert client_for(personas.mitra_polres).get(f"{API}{rupit.pk}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_report_identity_only_for_koordinator_and_audited(personas, make_incident):
    secret = make_incident(anonymous=True)
    for user in (personas.officer_rupit, personas.pimpinan, personas.tim_efektif, personas.admin):
        body = client_for(user).get(f"{API}{secret.pk}/").json()
        assert body["reporter"]["hidden"] is True and "081234567890" not in str(body)
    assert not AuditLog.objects.filter(action="incident.identity_viewed").exists()
    body = client_for(personas.koordinator).get(f"{API}{secret.pk}/", REMOTE_ADDR="10.1.2.3").json()
    assert body["reporter"]["phone"] == "081234567890"
    log = AuditLog.objects.get(action="incident.identity_viewed")
    assert log.actor == personas.koordinator and log.incident == secret and log.ip_address == "10.1.2.3"
    # every viewing is a row
    client_for(personas.koordinator).get(f"{API}{secret.pk}/")
    assert AuditLog.objects.filter(action="incident.identity_viewed").count() == 2


@pytest.mark.django_db
def test_photos_are_listed_with_urls(personas, make_incident):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    photo = SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")
    incident = make_incident(photos=[photo])
    body = client_for(personas.koordinator).get(f"{API}{incident.pk}/").json()
    assert len(body["photos"]) == 1 and body["photos"][0]["url"].startswith("http")
    url = body["photos"][0]["url"].replace("http://testserver", "")
    response = client_for(personas.officer_rupit).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    thumb = body["photos"][0]["thumbnail_url"].replace("http://testserver", "")
    assert client_for(personas.officer_rupit).get(thumb, HTTP_ACCEPT="image/*").status_code == 200
    assert client_for(personas.officer_nibung).get(url).status_code == 404
    assert client_for(personas.mitra_bpbd).get(url).status_code == 404
    assert client_for().get(url).status_code == 401
    assert client_for(personas.officer_rupit).get(f"{API}{incident.pk}/photos/999999/").status_code == 404


# --- patch ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_patch_triage_fields(personas, rupit):
    c = client_for(personas.officer_rupit)
    response = c.patch(
        f"{API}{rupit.pk}/", {"version": 1, "priority": 4, "title": "Banjir RT 03", "spm_must_serve": 12}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["priority"] == 4 and body["title"] == "Banjir RT 03" and body["version"] == 2
    event = IncidentEvent.objects.filter(incident=rupit, kind=EventKind.EDIT).get()
    assert event.data["changes"]["priority"] == [3, 4] and event.actor == personas.officer_rupit


@pytest.mark.django_db
def test_patch_errors(personas, rupit):
    c = client_for(personas.officer_rupit)
    url = f"{API}{rupit.pk}/"
    response = c.patch(url, {"priority": 4}, format="json")
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]
    response = c.patch(url, {"version": 1, "spm_must_serve": 3, "spm_served": 5}, format="json")
    assert response.status_code == 400
    assert "melebihi" in response.json()["error"]["fields"]["spm_served"][0]
    response = c.patch(url, {"version": 1, "status": "selesai"}, format="json")
    assert response.status_code == 400 and "status" in response.json()["error"]["fields"]
    response = c.patch(url, {"version": 1, "desa": "99.99"}, format="json")
    assert response.status_code == 400
    response = c.patch(
        url, {"version": 1, "arrived_at": (timezone.now() + timedelta(days=1)).isoformat()}, format="json"
    )
    assert response.status_code == 400
    c.patch(url, {"version": 1, "priority": 1}, format="json")
    response = c.patch(url, {"version": 1, "priority": 2}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "version_conflict" and response.json()["error"]["current_version"] == 2
    assert Incident.objects.get(pk=rupit.pk).priority == 1


@pytest.mark.django_db
def test_patch_permissions(personas, rupit):
    url = f"{API}{rupit.pk}/"
    for reader in (personas.pimpinan, personas.tim_efektif):
        assert client_for(reader).patch(url, {"version": 1, "priority": 4}, format="json").status_code == 403
    assert (
        client_for(personas.officer_nibung).patch(url, {"version": 1, "priority": 4}, format="json").status_code == 404
    )
    incident_assign(incident=rupit, actor=personas.koordinator, agency="damkar")
    mitra = get_user_model().objects.get(username="mitra_bpbd")
    assert client_for(mitra).patch(url, {"version": 2, "priority": 4}, format="json").status_code == 404
    from incidents.staff.services import staff_user_create

    damkar = staff_user_create(username="damkar1", role="mitra", agency_code="damkar", password=PASSWORD)
    assert client_for(damkar).patch(url, {"version": 2, "priority": 4}, format="json").status_code == 403
    arrived = timezone.now().isoformat()
    response = client_for(damkar).patch(url, {"version": 2, "arrived_at": arrived}, format="json")
    assert response.status_code == 200 and response.json()["arrived_at"]
    assert Incident.objects.get(pk=rupit.pk).priority != 4


# --- transitions, assignments, completion, notes ---------------------------------------------------


@pytest.mark.django_db
def test_transition_answers(personas, rupit, make_incident):
    url = f"{API}{rupit.pk}/transitions/"
    c = client_for(personas.officer_rupit)
    response = c.post(url, {"to": "selesai", "version": 1}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed" and error["allowed"] == ["diverifikasi"]
    assert c.post(url, {"to": "ditolak", "note": "x", "version": 1}, format="json").status_code == 403
    assert (
        client_for(personas.pimpinan).post(url, {"to": "diverifikasi", "version": 1}, format="json").status_code == 403
    )
    assert (
        client_for(personas.officer_nibung).post(url, {"to": "diverifikasi", "version": 1}, format="json").status_code
        == 404
    )
    response = c.post(url, {"to": "diverifikasi", "version": 1, "note": "Sudah dicek", "public": True}, format="json")
    assert (
        response.status_code == 200 and response.json()["status"] == "diverifikasi" and response.json()["version"] == 2
    )
    assert c.post(url, {"to": "ditangani", "version": 1}, format="json").status_code == 409
    response = c.post(url, {"to": "bogus", "version": 2}, format="json")
    assert response.status_code == 400
    response = c.post(url, {"to": "diverifikasi"}, format="json")
    assert response.status_code == 400 and "version" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_duplicate_by_tracking_code(personas, rupit, make_incident):
    original = make_incident()
    c = client_for(personas.koordinator)
    url = f"{API}{rupit.pk}/transitions/"
    response = c.post(url, {"to": "duplikat", "version": 1}, format="json")
    assert response.status_code == 400 and "duplicate_of" in response.json()["error"]["fields"]
    response = c.post(url, {"to": "duplikat", "version": 1, "duplicate_of": original.tracking_code}, format="json")
    assert response.status_code == 200
    assert response.json()["duplicate_of"] == {"id": original.pk, "tracking_code": original.tracking_code}


@pytest.mark.django_db
def test_assignment_answers(personas, rupit):
    url = f"{API}{rupit.pk}/assignments/"
    assert client_for(personas.officer_rupit).post(url, {"agency": "bpbd"}, format="json").status_code == 403
    assert client_for(personas.pimpinan).post(url, {"agency": "bpbd"}, format="json").status_code == 403
    assert client_for(personas.mitra_bpbd).post(url, {"agency": "bpbd"}, format="json").status_code == 404
    c = client_for(personas.koordinator)
    response = c.post(url, {"agency": "bpbd", "note": "Segera", "version": 1}, format="json")
    assert (
        response.status_code == 201 and response.json()["agency"] == "bpbd" and response.json()["incident_version"] == 2
    )
    assert c.post(url, {"agency": "bpbd"}, format="json").status_code == 400
    assert c.post(url, {"agency": "polres", "version": 1}, format="json").status_code == 409
    assert c.post(url, {"agency": "tidak-ada"}, format="json").status_code == 400


@pytest.mark.django_db
def test_assignment_completion(personas, rupit):
    incident_assign(incident=rupit, actor=personas.koordinator, agency="bpbd")
    incident_assign(incident=rupit, actor=personas.koordinator, agency="polres")
    url = f"{API}{rupit.pk}/assignments/bpbd/complete/"
    assert client_for(personas.mitra_polres).post(url, {"note": "x"}, format="json").status_code == 403
    assert client_for(personas.pimpinan).post(url, {"note": "x"}, format="json").status_code == 403
    assert client_for(personas.officer_nibung).post(url, {"note": "x"}, format="json").status_code == 404
    c = client_for(personas.mitra_bpbd)
    assert c.post(url, {}, format="json").status_code == 400
    response = c.post(url, {"note": "Warga dievakuasi"}, format="json")
    assert response.status_code == 200 and response.json()["completed_at"]
    assert c.post(url, {"note": "lagi"}, format="json").status_code == 400
    assert c.post(f"{API}{rupit.pk}/assignments/damkar/complete/", {"note": "x"}, format="json").status_code == 404


@pytest.mark.django_db
def test_notes(personas, rupit):
    url = f"{API}{rupit.pk}/notes/"
    response = client_for(personas.officer_rupit).post(
        url, {"text": "Petugas di lokasi", "public": True}, format="json"
    )
    assert response.status_code == 201 and response.json()["public"] is True
    assert client_for(personas.pimpinan).post(url, {"text": "x"}, format="json").status_code == 403
    assert client_for(personas.tim_efektif).post(url, {"text": "x"}, format="json").status_code == 403
    assert client_for(personas.officer_nibung).post(url, {"text": "x"}, format="json").status_code == 404
    assert client_for(personas.mitra_bpbd).post(url, {"text": "x"}, format="json").status_code == 404
    assert client_for(personas.officer_rupit).post(url, {"text": ""}, format="json").status_code == 400
    incident_assign(incident=rupit, actor=personas.koordinator, agency="bpbd")
    assert client_for(personas.mitra_bpbd).post(url, {"text": "Tim BPBD berangkat"}, format="json").status_code == 201


# --- token ---------------------------------------------------------------------------------------

TOKEN = "/api/v1/auth/token/"


@pytest.mark.django_db
def test_token_for_staff(personas, rupit):
    c = APIClient()
    response = c.post(TOKEN, {"username": "petugas_rupit", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert codes(api.get(API)) == {rupit.tracking_code}
    assert AuditLog.objects.filter(action="auth.login", actor=personas.officer_rupit, data__via="token").exists()


@pytest.mark.django_db
def test_token_refusals_are_audited(personas):
    c = APIClient()
    response = c.post(TOKEN, {"username": "petugas_rupit", "password": "salah-sekali"}, format="json")
    assert response.status_code == 400 and "token" not in response.json()
    failed = AuditLog.objects.get(action="auth.login_failed")
    assert failed.data["username"] == "petugas_rupit" and failed.data["via"] == "api"
    get_user_model().objects.create_user("warga", password=PASSWORD)
    assert c.post(TOKEN, {"username": "warga", "password": PASSWORD}, format="json").status_code == 403
    assert c.post(TOKEN, {}, format="json").status_code == 400


@pytest.mark.django_db
def test_token_endpoint_is_throttled(personas, settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "3/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    c = APIClient()
    statuses = [c.post(TOKEN, {"username": "nobody", "password": "x"}, format="json").status_code for _ in range(4)]
    assert statuses[:3] == [400, 400, 400] and statuses[3] == 429
    # Per address: another client is not held back by the first one's attempts.
    other = c.post(TOKEN, {"username": "nobody", "password": "x"}, format="json", REMOTE_ADDR="36.66.10.9")
    assert other.status_code == 400


# --- schema --------------------------------------------------------------------------------------


def test_schema_documents_the_error_answers():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    detail = paths["/api/v1/incidents/{id}/"]
    assert {"401", "403", "404", "409"} <= set(detail["patch"]["responses"])
    transitions = paths["/api/v1/incidents/{id}/transitions/"]["post"]
    assert {"400", "401", "403", "404", "409"} <= set(transitions["responses"])
    assert "requestBody" in transitions
    assert {"401", "403"} <= set(paths["/api/v1/incidents/"]["get"]["responses"])


@pytest.mark.django_db
def test_moving_a_report_to_another_kecamatan(personas, rupit):
    url = f"{API}{rupit.pk}/"
    response = client_for(personas.officer_rupit).patch(url, {"version": 1, "desa": DESA_NIBUNG}, format="json")
    assert response.status_code == 400 and "desa" in response.json()["error"]["fields"]
    response = client_for(personas.koordinator).patch(url, {"version": 1, "desa": DESA_NIBUNG}, format="json")
    assert response.status_code == 200 and response.json()["kecamatan"] == "16.13.03"
    assert client_for(personas.officer_rupit).get(url).status_code == 404
    assert client_for(personas.officer_nibung).get(url).status_code == 200


@pytest.mark.django_db
def test_odd_input_is_a_400_never_a_500(personas, rupit):
    c = client_for(personas.koordinator)
    for params in ({"q": "a\x00b"}, {"kecamatan": "\x00"}, {"agency": "\x00"}, {"created_after": "2026-13-45"}):
        assert c.get(API, params).status_code == 400, params
    url = f"{API}{rupit.pk}/"
    for body in ({"version": 1, "title": "a\x00"}, {"version": 1, "desa": "\x00"}, {"version": 1, "details": "[1]"}):
        assert c.patch(url, body, format="json").status_code == 400, body
    assert c.post(f"{url}notes/", {"text": "a\x00b"}, format="json").status_code == 400
    transitions = f"{url}transitions/"
    assert (
        c.post(transitions, {"to": "duplikat", "version": 1, "duplicate_of": "\x00"}, format="json").status_code == 400
    )
    assert c.post(transitions, "not json", content_type="application/json").status_code == 400
    assert c.get(f"{API}99999999999999999999999/").status_code == 404
    assert Incident.objects.get(pk=rupit.pk).version == 1


@pytest.mark.django_db
def test_token_endpoint_shares_the_login_lockout(personas):
    c = APIClient()
    for i in range(5):
        c.post(TOKEN, {"username": "koordinator", "password": f"salah-{i}"}, format="json", REMOTE_ADDR="10.0.0.9")
    response = c.post(TOKEN, {"username": "koordinator", "password": PASSWORD}, format="json", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429 and response.json()["error"]["code"] == "locked_out"
    assert "token" not in response.json() and int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_list_and_detail_queries_do_not_grow_with_rows(personas, make_incident, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = client_for(personas.koordinator)
    first = make_incident()
    incident_assign(incident=first, actor=personas.koordinator, agency="bpbd")
    c.get(API)
    with CaptureQueriesContext(connection) as one:
        c.get(API)
    for _ in range(8):
        incident = make_incident()
        incident_assign(incident=incident, actor=personas.koordinator, agency="polres")
        incident_note_add(incident=incident, actor=personas.koordinator, text="catatan", public=False)
    with CaptureQueriesContext(connection) as many:
        assert len(c.get(API).json()["results"]) == 9
    assert len(many) == len(one)
    with django_assert_max_num_queries(12):
        assert c.get(f"{API}{incident.pk}/").status_code == 200
