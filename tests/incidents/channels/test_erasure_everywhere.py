"""Erasure that erases: a reporter who used the web form, SMS, WhatsApp and
an Open311 partner app, whose number was blocked and who appears in desk
exports, asks to be forgotten (by phone, then by e-mail). Afterwards a dump
of the whole database (pg_dump on PostgreSQL, SQLite's own dump otherwise)
and every file of the media store hold nothing of their name, number or
e-mail, and none of the partner's ids for them. Their data export, asked for
before, lists their SMS and WhatsApp messages."""

import io
import json
import os
import shutil
import subprocess
import zipfile
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from incidents.channels.models import BlockedNumber, Contact, InboundMessage
from incidents.channels.services import number_block
from incidents.desk import export
from incidents.models import AuditLog, Incident
from incidents.open311.services import open311_key_create
from tests.conftest import is_postgres, missing_service
from tests.incidents.channels.helpers import post_sms, post_wa, sign_sms, sms_event, wa_body, wa_message

NAME = "Siti Rahmawati Kusuma"
PHONE = "0812-7777-3131"
NUMBER = "+6281277773131"
EMAIL = "siti.kusuma@contoh.test"
DEVICE_ID = "perangkat-siti-4477"
ACCOUNT_ID = "akun-siti-4477"
# What must not be found anywhere afterwards (lowercase; the digits match +62…, 62… and 0… forms).
NEEDLES = ["rahmawati kusuma", "81277773131", "7777-3131", EMAIL, DEVICE_ID, ACCOUNT_ID]
OTHER_EMAIL = "warga.lain@contoh.test"


def database_text() -> str:
    """Everything the test database holds, as text."""
    if is_postgres():
        tool = shutil.which("pg_dump")
        if tool is None:
            missing_service("needs pg_dump (Debian: apt-get install postgresql-client)")
        db = connection.settings_dict
        env = {**os.environ, **({"PGPASSWORD": db["PASSWORD"]} if db.get("PASSWORD") else {})}
        args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER")]
        done = subprocess.run([tool, *args, "--data-only", db["NAME"]], env=env, capture_output=True, check=True)
        return done.stdout.decode("utf-8", errors="replace").lower()
    connection.ensure_connection()
    return "\n".join(connection.connection.iterdump()).lower()


def media_text() -> str:
    """Every file under MEDIA_ROOT as text (spreadsheets unzipped)."""
    parts = []
    for path in sorted(settings.MEDIA_ROOT.rglob("*")):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        if zipfile.is_zipfile(io.BytesIO(raw)):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                raw = b"\n".join(archive.read(n) for n in archive.namelist())
        parts.append(f"== {path.relative_to(settings.MEDIA_ROOT)}\n" + raw.decode("utf-8", errors="replace"))
    return "\n".join(parts).lower()


def post_sms_raw(client, body: bytes):
    return client.post("/channels/sms/android/", body, content_type="application/json", **sign_sms(body))


def found(text: str) -> list[str]:
    return [n for n in NEEDLES if n.lower() in text]


@pytest.fixture
def reporter_everywhere(client, channel_settings, personas, make_incident, provider):
    """One person on every channel, blocked, and in two desk exports."""
    web = make_incident(reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL)
    other = make_incident(reporter_name="Budi Santoso", reporter_phone="085200001111", reporter_email=OTHER_EMAIL)
    lapor = sms_event("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang", sender=NUMBER)
    assert post_sms(client, lapor).status_code == 200
    sms_report = Incident.objects.get(channel="sms")
    # A CEK outside any conversation: its sender and raw payload hold the number.
    assert post_sms(client, sms_event(f"CEK {web.tracking_code}", sender=NUMBER)).status_code == 200
    # Unreadable, so stored raw with no sender to find it by.
    raw = f'{{"event": "sms:received", "payload": {{"phoneNumber": "{NUMBER}", "message": "rusak'.encode()
    assert post_sms_raw(client, raw).status_code == 200
    body = wa_body(
        wa_message(text="LAPOR#banjir#Muara Rupit#Air masuk rumah", sender=NUMBER),
        wa_message(text="halo", sender=NUMBER),
        wa_message("location", sender=NUMBER, lat="x", lng="y"),  # unreadable: stored raw, flagged
        sender=NUMBER,
    )
    body["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = NAME
    assert post_wa(client, body).status_code == 200
    key, raw_key = open311_key_create(application_name="Lapor Muratara App")
    response = client.post(
        "/open311/v2/requests.json",
        urlencode(
            {
                "api_key": raw_key,
                "service_code": "bencana-banjir",
                "lat": "-2.7208",
                "long": "102.8941",
                "description": "Air Sungai Rupit meluap ke jalan desa.",
                "first_name": "Siti Rahmawati",
                "last_name": "Kusuma",
                "email": EMAIL,
                "phone": PHONE,
                "device_id": DEVICE_ID,
                "account_id": ACCOUNT_ID,
            }
        ),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 201), response.content
    number_block(user=personas.koordinator, number=PHONE, reason=f"pesan berulang dari {NAME}")
    for fmt in ("csv", "xlsx"):
        job = export.export_request(user=personas.koordinator, params={}, fmt=fmt)
        assert export.export_run(job_id=job["id"])["status"] == export.DONE
    return {"web": web, "other": other, "sms": sms_report}


def erase_and_check(client_factory, personas, ask):
    before_db, before_media = database_text(), media_text()
    # The test can fail: every trace is there before.
    assert found(before_db) == NEEDLES, found(before_db)
    assert {"rahmawati kusuma", "7777-3131", EMAIL} <= set(found(before_media))
    koordinator = client_factory()
    koordinator.force_login(personas.koordinator)
    exported = json.loads(koordinator.post("/petugas/data-pribadi/ekspor/", {"telepon": PHONE}).content)
    for contact in ask:
        assert koordinator.post("/petugas/data-pribadi/hapus/", {**contact, "yakin": "on"}).status_code == 302
    assert found(database_text()) == []
    assert found(media_text()) == []
    return exported


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "ask",
    [[{"telepon": PHONE}, {"email": EMAIL}], [{"email": EMAIL}]],
    ids=["by-phone-then-e-mail", "by-e-mail-only"],
)
def test_nothing_of_the_erased_reporter_remains(reporter_everywhere, personas, ask):
    exported = erase_and_check(Client, personas, ask)
    # The export asked for before the erasure lists the messages both ways.
    texts = [(m["direction"], m["channel"], m["text"]) for m in exported["messages"]]
    assert ("masuk", "sms", f"CEK {reporter_everywhere['web'].tracking_code}") in texts
    assert ("masuk", "whatsapp", "halo") in texts
    assert any(d == "keluar" and c == "whatsapp" for d, c, _t in texts)
    assert len(exported["reports"]) == 4
    # The reports stay; other people's data stays.
    assert Incident.objects.count() == 5
    other = Incident.objects.get(pk=reporter_everywhere["other"].pk)
    assert other.reporter_email == OTHER_EMAIL
    assert not Contact.objects.exists() and not BlockedNumber.objects.exists()
    assert InboundMessage.objects.count() == 6
    audit = AuditLog.objects.get(action="open311.request_submitted")
    assert audit.data["device_id"] == "[dihapus]" and audit.data["application"] == "Lapor Muratara App"
    # The koordinator's exports held the other reporter too: they are marked, to be built again.
    jobs = [j for j in export.exports_for_user(personas.koordinator)]
    assert {j["status"] for j in jobs} == {export.FAILED} and {j["error"] for j in jobs} == {export.ERASED_ERROR}
    page = Client()
    page.force_login(personas.koordinator)
    assert "Berkas dihapus karena memuat data pribadi pelapor" in page.get("/petugas/ekspor/").content.decode()


@pytest.mark.django_db
def test_an_export_without_the_erased_reporter_is_kept(channel_settings, personas, make_incident):
    make_incident(reporter_name="Budi Santoso", reporter_phone="085200001111", reporter_email=OTHER_EMAIL)
    job = export.export_request(user=personas.koordinator, params={}, fmt="csv")
    export.export_run(job_id=job["id"])
    make_incident(reporter_name=NAME, reporter_phone=PHONE, reporter_email=EMAIL)
    client = Client()
    client.force_login(personas.koordinator)
    assert client.post("/petugas/data-pribadi/hapus/", {"email": EMAIL, "yakin": "on"}).status_code == 302
    assert export.job_read(job["id"])["status"] == export.DONE
    assert "budi santoso" in export.job_file(export.job_read(job["id"])).read_text(encoding="utf-8-sig").lower()
