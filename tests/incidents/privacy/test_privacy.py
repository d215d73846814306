"""Reporters' personal data (UU 27/2022): erased after a retention period once
a report is closed (a periodic task, idempotent, audited), and exported or
erased on the reporter's request by a koordinator or an admin, nobody else."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from incidents import audit
from incidents.models import AuditLog, EventKind, Incident, IncidentEvent
from incidents.privacy.tasks import retention_sweep
from incidents.workflow.services import incident_transition
from kitaaman.models import OutboundMessage
from tests.factories import DESA_NIBUNG

pytestmark = pytest.mark.django_db

EMAIL, PHONE = "siti.pelapor@example.test", "0812-3456-7890"


def closed(personas, make_incident, *, days_ago, **kwargs):
    with time_machine.travel(timezone.now() - timedelta(days=days_ago), tick=False):
        incident = make_incident(**kwargs)
        incident_transition(incident=incident, actor=personas.koordinator, to="ditolak", note="Bukan kejadian.")
    incident.refresh_from_db()
    return incident


def identity(incident):
    incident.refresh_from_db()
    return (incident.reporter_name, incident.reporter_phone, incident.reporter_email)


# --- retention -----------------------------------------------------------------------------------------


def test_retention_erases_closed_reports_once(personas, make_incident, settings):
    settings.REPORTER_DATA_RETENTION_DAYS = 365
    old = closed(personas, make_incident, days_ago=400, reporter_email=EMAIL, reporter_phone=PHONE)
    recent = closed(personas, make_incident, days_ago=100)
    still_open = make_incident()
    with time_machine.travel(timezone.now() - timedelta(days=500), tick=False):
        old_but_open = make_incident(desa=DESA_NIBUNG)
    OutboundMessage.objects.create(
        message_id="00000000-0000-0000-0000-000000000001", kind="status_change", channel="email",
        recipient=EMAIL, incident_id=old.pk, state="sent",
    )  # fmt: skip
    version = old.version

    assert retention_sweep() == 1
    assert identity(old) == ("", "", "")
    old.refresh_from_db()
    assert old.version == version + 1  # a write like any other
    for untouched in (recent, still_open, old_but_open):
        assert identity(untouched) == ("Siti Aminah", "081234567890", "siti@example.test")
    assert not OutboundMessage.objects.filter(recipient=EMAIL).exists()
    erased = AuditLog.objects.get(action="privacy.reporter_erased")
    assert erased.incident_id == old.pk and erased.data["reason"] == "retention" and erased.actor is None
    event = IncidentEvent.objects.filter(incident=old, kind=EventKind.EDIT).latest("id")
    assert not event.public and "UU 27/2022" in event.note
    assert AuditLog.objects.get(action="privacy.retention_sweep").data["erased"] == 1

    # Idempotent: the next run finds nothing and records nothing per report.
    assert retention_sweep() == 0
    assert AuditLog.objects.filter(action="privacy.reporter_erased").count() == 1


def test_retention_is_scheduled_daily():
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "incidents.privacy.tasks.retention_sweep"
    )
    assert entry["schedule"].hour == {2}


def test_retention_is_off_when_unset(personas, make_incident, settings):
    settings.REPORTER_DATA_RETENTION_DAYS = 0
    old = closed(personas, make_incident, days_ago=4000)
    assert retention_sweep() == 0
    assert identity(old)[0] == "Siti Aminah"


# --- on request ------------------------------------------------------------------------------------


URL = "/petugas/data-pribadi/"


@pytest.fixture
def reporter_reports(make_incident):
    first = make_incident(reporter_email=EMAIL, reporter_phone=PHONE, description="Banjir pertama.")
    second = make_incident(reporter_email="lain@example.test", reporter_phone="+62 812 3456 7890", anonymous=True)
    other = make_incident(reporter_email="orang.lain@example.test", reporter_phone="0899 1111 2222")
    return first, second, other


def test_who_may_not(client, personas, reporter_reports):
    response = client.get(URL, {"telepon": PHONE})
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    for who in ("officer_rupit", "officer_nibung", "mitra_bpbd", "tim_efektif", "pimpinan"):
        client.force_login(getattr(personas, who))
        assert client.get(URL, {"telepon": PHONE}).status_code == 403, who
        assert client.post(URL + "ekspor/", {"telepon": PHONE}).status_code == 403, who
        assert client.post(URL + "hapus/", {"telepon": PHONE, "yakin": "on"}).status_code == 403, who
        client.logout()
    first, _second, _other = reporter_reports
    assert identity(first)[2] == EMAIL
    assert not AuditLog.objects.filter(action__startswith="privacy.").exists()


@pytest.mark.parametrize("who", ["koordinator", "admin"])
def test_search_finds_the_reporters_reports_by_phone(client, personas, reporter_reports, who):
    first, second, other = reporter_reports
    client.force_login(getattr(personas, who))
    response = client.get(URL, {"telepon": "0812 3456 7890"})
    assert response.status_code == 200
    html = response.content.decode()
    assert first.tracking_code in html and second.tracking_code in html  # +62 written differently
    assert other.tracking_code not in html
    assert AuditLog.objects.get(action="privacy.subject_search").actor == getattr(personas, who)


def test_export_gives_the_reporter_their_data(client, personas, reporter_reports):
    first, second, other = reporter_reports
    client.force_login(personas.koordinator)
    response = client.post(URL + "ekspor/", {"email": EMAIL})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert [r["tracking_code"] for r in data["reports"]] == [first.tracking_code]
    report = data["reports"][0]
    assert report["reporter"] == {"name": "Siti Aminah", "phone": PHONE, "email": EMAIL}
    assert report["description"] == "Banjir pertama." and report["desa"]["code"] == first.desa_id
    audit = AuditLog.objects.get(action="privacy.subject_export")
    assert audit.actor == personas.koordinator and audit.data["reports"] == [first.tracking_code]


def test_erase_on_request(client, personas, reporter_reports):
    first, second, other = reporter_reports
    client.force_login(personas.admin)
    refused = client.post(URL + "hapus/", {"telepon": PHONE})  # not confirmed
    assert refused.status_code == 200 and identity(first)[1] == PHONE
    response = client.post(URL + "hapus/", {"telepon": PHONE, "yakin": "on"})
    assert response.status_code == 302
    assert identity(first) == ("", "", "") and identity(second) == ("", "", "")
    assert identity(other)[2] == "orang.lain@example.test"
    rows = AuditLog.objects.filter(action="privacy.reporter_erased")
    assert set(rows.values_list("incident_id", flat=True)) == {first.pk, second.pk}
    assert {r.data["reason"] for r in rows} == {"request"} and all(r.actor == personas.admin for r in rows)
    # The reports themselves stay: only who reported them is gone.
    assert Incident.objects.count() == 3


def test_a_search_needs_a_contact(client, personas, reporter_reports):
    client.force_login(personas.koordinator)
    response = client.get(URL, {"telepon": "12"})
    assert response.status_code == 200
    assert "Tulis alamat e-mail atau nomor telepon" in response.content.decode()
    assert reporter_reports[0].tracking_code not in response.content.decode()


def test_a_report_by_sms_loses_its_sender_number(client, personas, make_incident):
    from incidents.channels.models import Conversation, InboundMessage

    incident = make_incident(reporter_phone="+6281234567890", reporter_email="")
    conversation = Conversation.objects.create(channel="sms", sender="+6281234567890", status="done", incident=incident)
    InboundMessage.objects.create(
        channel="sms", provider_id="m1", sender="+6281234567890", text="BANJIR rumah terendam",
        raw={"phoneNumber": "+6281234567890"}, conversation=conversation,
    )  # fmt: skip
    OutboundMessage.objects.create(
        channel="sms", kind="reply", recipient="+6281234567890", text="Terima kasih", conversation_id=conversation.pk
    )
    OutboundMessage.objects.create(
        channel="sms", kind="status", recipient="+6281234567890", text="Kabar laporan", incident_id=incident.pk
    )
    # Staff notified about the report keep their own address.
    OutboundMessage.objects.create(
        channel="sms", kind="incident_created", recipient="081200000001", text="Laporan baru", incident_id=incident.pk
    )
    client.force_login(personas.koordinator)
    assert client.post(URL + "hapus/", {"telepon": "0812 3456 7890", "yakin": "on"}).status_code == 302
    assert identity(incident) == ("", "", "")
    for model, field in ((Conversation, "sender"), (InboundMessage, "sender"), (OutboundMessage, "recipient")):
        assert not model.objects.filter(**{field: "+6281234567890"}).exists(), model
    assert OutboundMessage.objects.filter(recipient="081200000001").exists()
    message = InboundMessage.objects.get()
    assert message.raw == {} and message.text == "BANJIR rumah terendam"


def test_retention_also_removes_partner_ids_and_mentions_from_the_reports_audit(personas, make_incident, settings):
    settings.REPORTER_DATA_RETENTION_DAYS = 365
    old = closed(personas, make_incident, days_ago=400, reporter_email=EMAIL, reporter_phone=PHONE)
    audit.record(
        "open311.request_submitted",
        incident=old,
        data={"application": "Lapor Muratara App", "device_id": "android-123", "account_id": "warga-77"},
    )
    audit.record("incident.note", incident=old, data={"text": f"Pelapor Siti Aminah ({PHONE}) menelepon"})
    assert retention_sweep() == 1
    submitted = AuditLog.objects.get(action="open311.request_submitted")
    assert submitted.data == {"application": "Lapor Muratara App", "device_id": "[dihapus]", "account_id": "[dihapus]"}
    assert AuditLog.objects.get(action="incident.note").data == {"text": "Pelapor [dihapus] ([dihapus]) menelepon"}
