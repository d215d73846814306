"""POST requests: a partner application's report goes through the portal's
intake (validation, territory, idempotency, notifications), lands on the desk
and on /lacak/, and every refusal is an Open311 error that stores nothing."""

import socket
import time
from urllib.parse import urlencode

import pytest
from PIL import Image

from incidents.models import AuditLog, Channel, Incident, IncidentPhoto
from incidents.open311.media import ATTACH_TASK, MEDIA_REFUSED, MediaUnavailable, media_attach
from incidents.open311.services import open311_key_revoke
from kitaaman import outbound_http
from kitaaman.models import OutboxMessage
from kitaaman.outbox import outbox_relay
from tests.factories import DESA_NIBUNG, DESA_RUPIT

from .conftest import json_body, xml_root

pytestmark = pytest.mark.django_db

URL = "/open311/v2/requests.json"


def post(client, data, fmt="json", **extra):
    return client.post(
        f"/open311/v2/requests.{fmt}",
        urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


@pytest.fixture
def post_fetched(client, django_capture_on_commit_callbacks):
    """Post, then run what the commit queued (the worker's media fetch) as the
    eager outbox does without a broker."""

    def send(data, fmt="json"):
        with django_capture_on_commit_callbacks(execute=True):
            return post(client, data, fmt=fmt)

    return send


def media_refusal(incident):
    return AuditLog.objects.get(action=MEDIA_REFUSED, incident=incident).data["reason"]


def flood(partner, **extra):
    data = {
        "api_key": partner.raw,
        "service_code": "bencana-banjir",
        "lat": "-2.7208",
        "long": "102.8941",
        "description": "Air Sungai Rupit meluap ke jalan desa.",
        "attribute[rumah_terendam]": "12",
        "first_name": "Siti",
        "last_name": "Aminah",
        "email": "siti@example.test",
        "phone": "081234567890",
    }
    data.update(extra)
    return data


def conflict(partner, **extra):
    data = {
        "api_key": partner.raw,
        "service_code": "konflik-perusahaan",
        "address_string": "Desa Muara Rupit",
        "description": "Warga menghadang alat berat di lahan sengketa.",
        "attribute[pokok_masalah]": "tanah-sumber-daya",
        "attribute[perusahaan]": "PT Sawit Contoh",
        "attribute[objek_sengketa]": "perkebunan",
        "attribute[ada_kekerasan]": "true",
        "attribute[jumlah_orang]": "40",
        "device_id": "android-123",
        "account_id": "warga-77",
    }
    data.update(extra)
    return data


def errors_of(response):
    body = response.json()
    assert isinstance(body, list) and body
    assert all(set(e) == {"code", "description"} and e["code"] == response.status_code for e in body)
    return " | ".join(e["description"] for e in body)


def test_post_with_attributes_and_media_url_reaches_desk_and_lacak(
    client, post_fetched, partner, image_server, personas
):
    data = conflict(partner, media_url=f"{image_server.url}/script.jpg")
    response = post_fetched(data, fmt="xml")
    assert response.status_code == 201
    root = xml_root(response)
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    code = root.findtext("request/service_request_id")
    assert code.startswith("KA-")
    assert code in root.findtext("request/service_notice") and "/lacak/" in root.findtext("request/service_notice")
    assert root.findtext("request/account_id") == "warga-77"
    assert image_server.hits == ["/script.jpg"]

    incident = Incident.objects.get(tracking_code=code)
    assert incident.channel == Channel.OPEN311 and incident.partner_application == partner.application
    assert incident.desa_id == DESA_RUPIT and incident.lat is None
    assert incident.details == {
        "pokok_masalah": "tanah-sumber-daya",
        "perusahaan": "PT Sawit Contoh",
        "objek_sengketa": "perkebunan",
        "ada_kekerasan": True,
        "jumlah_orang": 40,
    }
    assert incident.anonymous is True and incident.priority == 4  # violence: urgent, as on the web form
    photo = IncidentPhoto.objects.get(incident=incident)
    assert photo.content_type == "image/jpeg"
    with photo.image.open("rb") as stored:
        data_bytes = stored.read()
    assert b"<?php" not in data_bytes
    with Image.open(photo.image.path) as img:
        assert img.format == "JPEG" and img.size == (64, 48)
    # The intake's notifications ran: an urgent report alerts the desk.
    assert OutboxMessage.objects.filter(kwargs__incident_id=incident.pk).exists()
    entry = AuditLog.objects.get(action="open311.request_submitted")
    assert entry.incident == incident and entry.data["device_id"] == "android-123"
    assert entry.data["application"] == "Lapor Muratara App"

    # The desk of Rupit shows it, with the application that sent it.
    client.force_login(personas.officer_rupit)
    html = client.get(f"/petugas/laporan/{incident.pk}/").content.decode()
    assert code in html and '<span id="partner-application">Lapor Muratara App</span>' in html
    assert "Aplikasi mitra (Open311)" in html
    queue = client.get("/petugas/").content.decode()
    assert f"/petugas/laporan/{incident.pk}/" in queue
    client.logout()
    # The citizen's tracking page finds it by the code the partner received.
    track = client.get(f"/lacak/{code}/")
    assert track.status_code == 200
    assert "Konflik warga dengan perusahaan" in track.content.decode()


def test_post_json_answer_and_point_location(client, partner):
    response = post(client, flood(partner))
    assert response.status_code == 201
    (row,) = json_body(response)
    assert list(row) == ["service_request_id", "service_notice", "account_id"]
    assert row["account_id"] is None
    incident = Incident.objects.get(tracking_code=row["service_request_id"])
    assert (incident.lat, incident.lng) == (-2.7208, 102.8941)
    assert incident.reporter_name == "Siti Aminah" and incident.reporter_email == "siti@example.test"
    assert incident.details == {"rumah_terendam": 12}


def test_a_retried_submission_answers_the_same_report(client, post_fetched, partner, image_server):
    data = conflict(partner, media_url=f"{image_server.url}/foto.jpg")
    first = post_fetched(data)
    again = post_fetched(data)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()[0]["service_request_id"] == again.json()[0]["service_request_id"]
    assert Incident.objects.count() == 1 and IncidentPhoto.objects.count() == 1
    assert image_server.hits == ["/foto.jpg"]  # the retry fetched nothing
    # A different report from the same application is a new one.
    assert post(client, {**data, "description": "Alat berat kembali datang."}).status_code == 201
    assert Incident.objects.count() == 2


def test_retry_across_the_idempotency_window_boundary(partner):
    from incidents.open311.services import IDEMPOTENCY_WINDOW, open311_request_submit
    from incidents.open311.submission import parse_submission

    form = {k: [v] for k, v in flood(partner).items()}
    start = 1_800_000_000 - 1_800_000_000 % IDEMPOTENCY_WINDOW + IDEMPOTENCY_WINDOW - 1
    first, created = open311_request_submit(key=partner, submission=parse_submission(form), now=start)
    again, created_again = open311_request_submit(key=partner, submission=parse_submission(form), now=start + 2)
    assert created and not created_again and first.pk == again.pk


def test_address_string_accepts_a_desa_code_or_a_forgiving_name(client, partner):
    for address, desa in (
        ("16.13.03.2001", DESA_NIBUNG),
        ("kel. muara rupit", DESA_RUPIT),
        ("1613032001", DESA_NIBUNG),
    ):
        data = flood(partner, description=f"Banjir {address}")
        data.pop("lat"), data.pop("long")
        response = post(client, {**data, "address_string": address})
        assert response.status_code == 201, response.content
        assert Incident.objects.get(tracking_code=response.json()[0]["service_request_id"]).desa_id == desa
    data = flood(partner, description="Banjir via address_id")
    data.pop("lat"), data.pop("long")
    response = post(client, {**data, "address_id": DESA_NIBUNG})
    assert Incident.objects.get(tracking_code=response.json()[0]["service_request_id"]).desa_id == DESA_NIBUNG


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_and_bad_api_key_are_403(client, partner, fmt):
    data = flood(partner)
    cases = [
        {k: v for k, v in data.items() if k != "api_key"},
        {**data, "api_key": "rahasia"},
        {**data, "api_key": partner.raw[:-3] + "xyz"},
        {**data, "api_key": "ka311_000000000000_" + "a" * 43},
    ]
    for case in cases:
        response = post(client, case, fmt=fmt)
        assert response.status_code == 403
        if fmt == "xml":
            root = xml_root(response)
            assert root.tag == "errors" and root.findtext("error/code") == "403"
            assert "api_key" in root.findtext("error/description")
        else:
            assert "api_key" in errors_of(response)
    assert not Incident.objects.exists()
    # Only the mistyped known key is worth an audit row.
    refused = AuditLog.objects.filter(action="open311.key_refused")
    assert [e.data["reason"] for e in refused] == ["mismatch"] * 1


def test_revoked_key_and_inactive_application_are_403(client, partner):
    assert post(client, flood(partner)).status_code == 201
    open311_key_revoke(application_name=partner.application.name)
    response = post(client, flood(partner, description="Laporan kedua"))
    assert response.status_code == 403 and "dicabut" in errors_of(response)
    assert Incident.objects.count() == 1
    assert AuditLog.objects.filter(action="open311.key_refused", data__reason="revoked").exists()


def test_reads_need_no_key_but_a_form_post_without_key_never_creates(client):
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"service_code": "bencana-banjir", "lat": "-2.72", "long": "102.89"})
    assert response.status_code == 403 and not Incident.objects.exists()


@pytest.mark.parametrize(
    "change, fragment",
    [
        ({"service_code": "tidak-ada"}, "service_code: layanan tidak-ada tidak dikenal"),
        ({"service_code": ""}, "service_code: wajib diisi"),
        ({"lat": "-6.2", "long": "106.8"}, "lat/long: Titik lokasi berada di luar Kabupaten Musi Rawas Utara"),
        ({"lat": "-2.72", "long": ""}, "lat/long"),
        ({"lat": "utara", "long": "102.9"}, "lat/long: Koordinat tidak valid"),
        ({"lat": "", "long": ""}, "address_string"),
        ({"description": ""}, "description: Uraian kejadian wajib diisi"),
        ({"email": "bukan-email"}, "email"),
        (
            {"attribute[rumah_terendam]": "banyak"},
            "attribute[rumah_terendam]: Rumah terendam harus berupa bilangan bulat",
        ),
        ({"media_url": "ftp://contoh/foto.jpg"}, "media_url"),
        ({"description": "x" * 5001}, "description"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(client, partner, change, fragment):
    response = post(client, {**flood(partner), **change})
    assert response.status_code == 400, response.content
    assert fragment in errors_of(response)
    assert not Incident.objects.exists() and not IncidentPhoto.objects.exists()


def test_missing_required_attribute_is_400_naming_the_attribute(client, partner):
    data = conflict(partner)
    del data["attribute[pokok_masalah]"]
    data["attribute[ada_kekerasan]"] = ""
    response = post(client, data, fmt="xml")
    assert response.status_code == 400
    root = xml_root(response)
    descriptions = [e.findtext("description") for e in root.findall("error")]
    assert {e.findtext("code") for e in root.findall("error")} == {"400"}
    assert any(d.startswith("attribute[pokok_masalah]: ") and "wajib diisi" in d for d in descriptions)
    assert any(d.startswith("attribute[ada_kekerasan]: ") for d in descriptions)
    assert not Incident.objects.exists()


def test_unknown_attributes_from_other_systems_are_ignored(client, partner):
    response = post(client, flood(partner, **{"attribute[uprn]": "123", "attribute[easting]": "1"}))
    assert response.status_code == 201
    assert Incident.objects.get().details == {"rumah_terendam": 12}


def test_ambiguous_or_unknown_desa_name_is_400(client, partner):
    data = flood(partner)
    data.pop("lat"), data.pop("long")
    response = post(client, {**data, "address_string": "Kampung Antah Berantah"})
    assert response.status_code == 400 and "address_string: " in errors_of(response)
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    "path, fragment",
    [
        ("/teks.jpg", "bukan foto"),
        ("/besar.jpg", "terlalu besar"),
        ("/tanpa-panjang.jpg", "terlalu besar"),
        ("/tidak-ada.jpg", "status HTTP 404"),
        ("/ke-file", "http atau https"),
        ("/berputar", "pengalihan"),
    ],
)
def test_media_url_that_is_not_a_sound_photo_leaves_the_report_without_it(
    post_fetched, partner, image_server, settings, path, fragment
):
    settings.MAX_PHOTO_BYTES = 256 * 1024
    image_server.big_bytes = settings.MAX_PHOTO_BYTES + 1024
    response = post_fetched(flood(partner, media_url=f"{image_server.url}{path}"))
    assert response.status_code == 201
    incident = Incident.objects.get()
    assert not IncidentPhoto.objects.exists()
    assert fragment in media_refusal(incident)


def test_media_url_redirect_to_a_photo_is_followed(post_fetched, partner, image_server):
    response = post_fetched(flood(partner, media_url=f"{image_server.url}/ke-foto"))
    assert response.status_code == 201
    assert image_server.hits == ["/ke-foto", "/foto.jpg"] and IncidentPhoto.objects.count() == 1


def test_the_post_answers_before_a_slow_media_fetch_and_the_photo_attaches_after(client, partner, image_server):
    # A first report without media warms the process up (URLs, categories, templates).
    assert post(client, flood(partner, description="Jalan desa tergenang sejak pagi.")).status_code == 201
    started = time.monotonic()
    response = post(client, flood(partner, media_url=f"{image_server.url}/lambat-foto.jpg"))
    answered = time.monotonic() - started
    # The media host takes two seconds; the partner is answered well before.
    assert response.status_code == 201 and answered < 1.5, answered
    incident = Incident.objects.get(tracking_code=response.json()[0]["service_request_id"])
    assert image_server.hits == [] and not IncidentPhoto.objects.exists()
    assert OutboxMessage.objects.filter(task_name=ATTACH_TASK, kwargs__incident_id=incident.pk).exists()

    # The worker runs the queued task: the host answers after a second, the photo attaches.
    started = time.monotonic()
    outbox_relay()
    assert time.monotonic() - started >= 2.0
    assert image_server.hits == ["/lambat-foto.jpg"]
    photo = IncidentPhoto.objects.get(incident=incident)
    assert photo.content_type == "image/jpeg"
    # A second run (a redelivered task) fetches nothing more.
    assert media_attach(incident_id=incident.pk, url=f"{image_server.url}/lambat-foto.jpg") == "done"
    assert image_server.hits == ["/lambat-foto.jpg"] and IncidentPhoto.objects.count() == 1


def test_media_url_is_cut_off_at_the_time_limit(client, partner, image_server, settings):
    settings.OPEN311_MEDIA_TIMEOUT = 0.5
    started = time.monotonic()
    response = post(client, flood(partner, media_url=f"{image_server.url}/lambat.jpg"))
    assert response.status_code == 201 and time.monotonic() - started < 0.8
    started = time.monotonic()
    outbox_relay()
    assert time.monotonic() - started < 1.5
    incident = Incident.objects.get()
    assert not IncidentPhoto.objects.exists()
    assert "tidak menjawab" in media_refusal(incident)


def test_an_unreachable_media_host_is_tried_again_and_refused_on_the_last_attempt(client, partner, image_server):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/foto.jpg"
    assert post(client, flood(partner, media_url=url)).status_code == 201
    incident = Incident.objects.get()
    with pytest.raises(MediaUnavailable):
        media_attach(incident_id=incident.pk, url=url)
    assert not AuditLog.objects.filter(action=MEDIA_REFUSED).exists()
    assert media_attach(incident_id=incident.pk, url=url, final_attempt=True) == "refused"
    assert "tidak dapat dihubungi" in media_refusal(incident) and not IncidentPhoto.objects.exists()


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "10.0.0.1",
        "2130706433",
        "0177.0.0.1",
        "[::1]",
        "[::127.0.0.1]",
        "[::ffff:127.0.0.1]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::1]",
    ],
)
def test_media_url_on_an_internal_address_is_refused_at_once(client, partner, image_server, settings, host):
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = False
    port = image_server.server_address[1]
    response = post(client, flood(partner, media_url=f"http://{host}:{port}/foto.jpg"))
    assert response.status_code == 400 and "jaringan internal" in errors_of(response)
    assert image_server.hits == [] and not Incident.objects.exists()


def test_a_name_resolving_to_an_internal_address_is_refused_by_the_worker(
    post_fetched, partner, image_server, settings, monkeypatch
):
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = False
    real = outbound_http.socket.getaddrinfo

    def resolver(host, *args, **kwargs):
        # The name resolves (DNS) to loopback; as a numeric host it is nothing.
        if host == "foto.mitra.example" and not kwargs.get("flags", 0) & socket.AI_NUMERICHOST:
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    monkeypatch.setattr(outbound_http.socket, "getaddrinfo", resolver)
    port = image_server.server_address[1]
    response = post_fetched(flood(partner, media_url=f"http://foto.mitra.example:{port}/foto.jpg"))
    assert response.status_code == 201
    assert "jaringan internal" in media_refusal(Incident.objects.get())
    assert image_server.hits == [] and not IncidentPhoto.objects.exists()


def test_submissions_are_rate_limited_per_key(client, partner, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "open311": "2/hour"},
    }
    from incidents.open311.services import open311_key_create

    other_key, other_raw = open311_key_create(application_name="Aplikasi Lain")
    assert post(client, flood(partner, description="satu")).status_code == 201
    assert post(client, flood(partner, description="dua")).status_code == 201
    response = post(client, flood(partner, description="tiga"))
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert response.json()[0]["code"] == 429
    # Another partner's key has its own allowance.
    assert post(client, flood(partner, api_key=other_raw, description="empat")).status_code == 201
    assert Incident.objects.count() == 3


def test_nul_bytes_and_oversized_bodies_are_refused_cleanly(client, partner, settings):
    response = post(client, flood(partner, description="air\x00meluap"))
    assert response.status_code == 400 and "karakter" in errors_of(response)
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 20
    many = flood(partner, **{f"attribute[x{i}]": "1" for i in range(30)})
    response = post(client, many)
    assert response.status_code == 400 and "Terlalu banyak isian" in errors_of(response)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = post(client, flood(partner, description="air " * 400))
    assert response.status_code == 413 and errors_of(response)
    assert not Incident.objects.exists()
