"""Notifications: who hears about what, through the outbox, exactly once."""

import smtplib

import pytest
from django.core import mail

from incidents.models import Agency, StaffProfile
from incidents.workflow.services import incident_assign, incident_transition
from kitaaman.celery import app
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbound import TASK_SEND_OUTBOUND
from kitaaman.sms import LocmemSmsBackend
from tests.factories import DESA_NIBUNG, DESA_RUPIT

pytestmark = pytest.mark.django_db
PRODUCER = "incidents.notify.tasks.deliver_incident_created"


@pytest.fixture(autouse=True)
def _run_outbox_on_commit(django_capture_on_commit_callbacks):
    """Tests run inside a transaction; let the eager relay run at each (fake) commit."""
    LocmemSmsBackend.outbox.clear()

    class Commit:
        def __enter__(self):
            self.ctx = django_capture_on_commit_callbacks(execute=True)
            return self.ctx.__enter__()

        def __exit__(self, *exc):
            return self.ctx.__exit__(*exc)

    return Commit


def _recipients():
    return sorted(address for m in mail.outbox for address in m.to)


def test_high_priority_report_alerts_koordinator_and_officers_of_its_kecamatan(
    personas, make_incident, _run_outbox_on_commit
):
    StaffProfile.objects.filter(user=personas.officer_rupit).update(phone="081200000001")
    with _run_outbox_on_commit():
        incident = make_incident("bencana-banjir", desa=DESA_RUPIT)  # priority Tinggi
    assert _recipients() == ["koordinator@example.test", "rupit@example.test"]
    message = mail.outbox[0]
    assert "[KITA AMAN]" in message.subject and "Banjir" in message.subject
    assert f"/petugas/laporan/{incident.pk}/" in message.body
    html = message.alternatives[0][0]
    assert f"/petugas/laporan/{incident.pk}/" in html
    # The reporter's identity never travels in mails to staff.
    for body in (message.body, html):
        assert "Siti" not in body and "081234567890" not in body and "siti@example.test" not in body
    # Officers with a phone also get an SMS.
    assert [sms["to"] for sms in LocmemSmsBackend.outbox] == ["081200000001"]
    assert "Banjir" in LocmemSmsBackend.outbox[0]["text"]
    rows = OutboundMessage.objects.filter(incident_id=incident.pk)
    assert sorted(rows.values_list("channel", "recipient", "state")) == [
        ("email", "koordinator@example.test", "sent"),
        ("email", "rupit@example.test", "sent"),
        ("sms", "081200000001", "sent"),
    ]
    # One outbox row for the task that writes the messages, one for the task that sends them.
    assert sorted(OutboxMessage.objects.values_list("task_name", "state")) == [
        (PRODUCER, "sent"),
        (TASK_SEND_OUTBOUND, "sent"),
    ]


def test_officer_of_another_kecamatan_is_not_alerted(personas, make_incident, _run_outbox_on_commit):
    with _run_outbox_on_commit():
        make_incident("bencana-banjir", desa=DESA_NIBUNG)
    assert "rupit@example.test" not in _recipients()
    assert "nibung@example.test" in _recipients()


def test_ordinary_priority_report_alerts_nobody(personas, make_incident, _run_outbox_on_commit):
    with _run_outbox_on_commit():
        make_incident("ketertiban-umum", desa=DESA_RUPIT)
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_assignment_mails_the_agency_without_the_reporters_contact(personas, make_incident, _run_outbox_on_commit):
    Agency.objects.filter(code="bpbd").update(email="pusdalops@bpbd.example.test")
    with _run_outbox_on_commit():
        incident = make_incident("ketertiban-umum", desa=DESA_RUPIT)
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi", note="Dicek", public=True)
    mail.outbox.clear()
    with _run_outbox_on_commit():
        incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd", note="Mohon tindak lanjut")
    assert _recipients() == ["bpbd@example.test", "pusdalops@bpbd.example.test"]
    message = mail.outbox[0]
    assert "BPBD" in message.subject or "bpbd" in message.subject.lower()
    assert "Mohon tindak lanjut" in message.body
    for body in (message.body, message.alternatives[0][0]):
        assert "Siti" not in body and "081234567890" not in body and "siti@example.test" not in body
        assert incident.tracking_code not in body


def test_status_change_mails_the_reporter_with_the_public_note_only(personas, make_incident, _run_outbox_on_commit):
    incident = make_incident("ketertiban-umum", desa=DESA_RUPIT)
    with _run_outbox_on_commit():
        incident_transition(
            incident=incident, actor=personas.koordinator, to="diverifikasi", note="Tim menuju lokasi", public=True
        )
    assert _recipients() == ["siti@example.test"]
    message = mail.outbox[0]
    assert incident.tracking_code in message.subject and "Diverifikasi" in message.subject
    assert "Tim menuju lokasi" in message.body
    assert f"/lacak/{incident.tracking_code}/" in message.body
    with _run_outbox_on_commit():
        incident_assign(incident=incident, actor=personas.koordinator, agency="polres")
    mail.outbox.clear()
    with _run_outbox_on_commit():
        incident_transition(
            incident=incident, actor=personas.koordinator, to="ditangani", note="Catatan internal", public=False
        )
    assert _recipients() == ["siti@example.test"]
    assert "Catatan internal" not in mail.outbox[0].body
    assert "Catatan internal" not in mail.outbox[0].alternatives[0][0]


def test_anonymous_reporter_is_still_told(personas, make_incident, _run_outbox_on_commit):
    incident = make_incident("ketertiban-umum", desa=DESA_RUPIT, anonymous=True)
    with _run_outbox_on_commit():
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi", note="", public=True)
    assert _recipients() == ["siti@example.test"]


def test_reporter_without_address_gets_nothing(personas, make_incident, _run_outbox_on_commit):
    incident = make_incident("ketertiban-umum", desa=DESA_RUPIT, reporter_email="")
    with _run_outbox_on_commit():
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi", note="", public=True)
    assert mail.outbox == []
    assert not OutboxMessage.objects.exists()


def test_a_redelivered_task_does_not_send_twice(personas, make_incident, _run_outbox_on_commit):
    with _run_outbox_on_commit():
        make_incident("bencana-banjir", desa=DESA_RUPIT)
    assert len(mail.outbox) == 2
    # The broker hands each task (same id) to a worker again.
    app.loader.import_default_modules()
    for message in OutboxMessage.objects.all():
        with _run_outbox_on_commit():
            app.tasks[message.task_name].apply(kwargs=message.kwargs, task_id=str(message.id), throw=True)
    assert len(mail.outbox) == 2
    producer = OutboxMessage.objects.get(task_name=PRODUCER)
    assert OutboundMessage.objects.filter(message_id=producer.id).count() == 2
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}


def test_transient_smtp_error_retries_then_delivers(personas, make_incident, monkeypatch, _run_outbox_on_commit):
    from django.core.mail.backends.locmem import EmailBackend

    real, calls = EmailBackend.send_messages, {"n": 0}

    def flaky(self, messages):
        calls["n"] += 1
        if calls["n"] == 1:
            raise smtplib.SMTPServerDisconnected("server went away")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", flaky)
    with _run_outbox_on_commit():
        incident = make_incident("bencana-banjir", desa=DESA_RUPIT)
    # Eagerly, the outbox keeps the sending task for a later relay run.
    assert OutboxMessage.objects.get(task_name=PRODUCER).state == "sent"
    message = OutboxMessage.objects.get(task_name=TASK_SEND_OUTBOUND)
    assert message.state == "pending" and message.attempts == 1 and "server went away" in message.last_error
    assert _recipients() == ["rupit@example.test"]
    failed = OutboundMessage.objects.get(recipient="koordinator@example.test")
    assert failed.state == "pending" and failed.attempts == 1
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=message.created_at)
    from kitaaman.outbox import outbox_relay

    assert outbox_relay() == 1
    assert _recipients() == ["koordinator@example.test", "rupit@example.test"]
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == ("sent", 2)
    assert OutboundMessage.objects.filter(incident_id=incident.pk, state="sent").count() == 2


def test_refused_address_fails_without_retry(personas, make_incident, monkeypatch, _run_outbox_on_commit):
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def refuse(self, messages):
        if messages[0].to == ["koordinator@example.test"]:
            raise smtplib.SMTPRecipientsRefused({"koordinator@example.test": (550, b"no such user")})
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse)
    with _run_outbox_on_commit():
        make_incident("bencana-banjir", desa=DESA_RUPIT)
    refused = OutboundMessage.objects.get(recipient="koordinator@example.test")
    assert refused.state == "failed" and "550" in refused.last_error
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    assert _recipients() == ["rupit@example.test"]


def test_sending_task_retries_with_backoff_on_a_worker(personas, make_incident, monkeypatch):
    """On a real worker (not eager) a transient error schedules a retry of the
    one sending task with a growing countdown; the last attempt fails the rows."""
    from celery.exceptions import Retry
    from django.core.mail.backends.locmem import EmailBackend

    from incidents.notify import tasks as tasks_notify
    from kitaaman import tasks as kitaaman_tasks

    incident = make_incident("bencana-banjir", desa=DESA_RUPIT)
    producer = tasks_notify.deliver_incident_created
    producer.push_request(id="11111111-1111-1111-1111-111111111111", is_eager=False)
    try:
        assert producer.run(incident_id=incident.pk) == 2
    finally:
        producer.pop_request()

    def down(self, messages):
        raise smtplib.SMTPConnectError(421, "try later")

    monkeypatch.setattr(EmailBackend, "send_messages", down)
    countdowns = []

    def fake_retry(*, exc, countdown):
        countdowns.append(countdown)
        return Retry(exc=exc, when=countdown)

    task = kitaaman_tasks.send_outbound
    monkeypatch.setattr(task, "retry", fake_retry)
    for retries in range(3):
        task.push_request(id="22222222-2222-2222-2222-222222222222", retries=retries, is_eager=False)
        try:
            with pytest.raises(Retry):
                task.run(message_id="11111111-1111-1111-1111-111111111111")
        finally:
            task.pop_request()
    assert countdowns == [60, 120, 240]
    # The last allowed attempt records the failure instead of retrying.
    task.push_request(id="22222222-2222-2222-2222-222222222222", retries=task.max_retries, is_eager=False)
    try:
        task.run(message_id="11111111-1111-1111-1111-111111111111")
    finally:
        task.pop_request()
    rows = OutboundMessage.objects.filter(message_id="11111111-1111-1111-1111-111111111111")
    assert set(rows.values_list("state", flat=True)) == {"failed"}
    assert all(row.attempts == 4 for row in rows)
