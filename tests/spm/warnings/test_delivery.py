"""Publishing sends the message to the confirmed subscribers of the warned
desa through the outbox: each address once per message, also when the task
runs twice, when the broker is down while publishing, or when a send fails."""

import socket

import pytest
from django.core import mail
from django.utils import timezone

from kitaaman.celery import app
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbound import TASK_SEND_OUTBOUND, TransientDeliveryError
from kitaaman.outbox import outbox_relay
from kitaaman.sms import LocmemSmsBackend
from spm.warnings import services
from spm.warnings.delivery import delivery_progress, sms_text
from spm.warnings.models import AlertRecipient, Subscriber
from spm.warnings.subscriptions import subscriber_unsubscribe
from tests.kitaaman.test_celery_config import broker_at
from tests.spm.warnings.conftest import DESA_RUPIT_2

pytestmark = pytest.mark.django_db
TASK = "spm.warnings.tasks.deliver_alert"
EXPECTED = {"+6281200000001", "warga@example.test", "+6281200000002"}


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


def sent_to():
    return [m["to"] for m in LocmemSmsBackend.outbox] + [m.to[0] for m in mail.outbox]


def run_sending_tasks():
    """What a worker does with the sending tasks queued in the outbox."""
    app.loader.import_default_modules()
    for message in OutboxMessage.objects.filter(task_name=TASK_SEND_OUTBOUND, state="pending"):
        app.tasks[message.task_name].apply(kwargs=message.kwargs, task_id=str(message.id), throw=True)


def test_publishing_sends_to_each_subscriber_of_the_warned_desa_once(
    personas, draft, subscribers, django_capture_on_commit_callbacks
):
    # The same phone subscribed to both warned desa still gets one SMS.
    Subscriber.objects.create(
        desa_id=DESA_RUPIT_2, channel="sms", address="+6281200000001", confirmed_at=timezone.now()
    )
    alert = draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert sorted(sent_to()) == sorted(EXPECTED)
    sms = next(m for m in LocmemSmsBackend.outbox if m["to"] == "+6281200000001")
    assert sms["text"].startswith("PERINGATAN BPBD MURATARA: Banjir Sungai Rupit")
    assert f"/peringatan/{alert.pk}/" in sms["text"] and "/peringatan/langganan/berhenti/" in sms["text"]
    assert len(sms["text"]) <= 459
    assert mail.outbox[0].subject.startswith("[KITA AMAN] Peringatan: Banjir Sungai Rupit")
    assert "Pindahkan barang berharga" in mail.outbox[0].body
    assert {r.recipient: r.kecamatan_id for r in AlertRecipient.objects.filter(alert=alert)} == dict.fromkeys(
        EXPECTED, "16.13.01"
    )
    assert delivery_progress(alert) == {"sent": 3, "failed": 0, "pending": 0, "total": 3, "recorded": True}
    # The task run again (a redelivery) sends nothing more.
    app.tasks[TASK].apply(kwargs={"alert_id": alert.pk}, task_id="again", throw=True)
    assert len(sent_to()) == 3
    assert set(OutboundMessage.objects.values_list("attempts", flat=True)) == {1}
    assert set(OutboundMessage.objects.values_list("kind", "state")) == {("warning", "sent")}


def test_a_kecamatan_area_reaches_all_its_desa(personas, draft, subscribers, django_capture_on_commit_callbacks):
    alert = draft(areas=["16.13.03"])
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert sent_to() == ["+6281200000003"]


def test_broker_down_during_publishing_then_back_delivers_exactly_once(
    personas, draft, subscribers, settings, monkeypatch, client
):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    alert = draft()
    # Only the delivery to subscribers is followed here (the request for approval has its own tests).
    OutboxMessage.objects.filter(task_name="spm.warnings.tasks.ask_for_approval").delete()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    client.force_login(personas.koordinator)
    with broker_at(f"redis://127.0.0.1:{dead}/0"):
        response = client.post(f"/api/v1/warnings/{alert.pk}/publish/")
        assert response.status_code == 200, response.content
        message = OutboxMessage.objects.get(task_name=TASK)
        # The relay's minute comes while the broker is still down: kept, nothing sent.
        assert outbox_relay() == 0
        message.refresh_from_db()
        assert message.state == "pending" and message.attempts == 1 and message.last_error
    assert sent_to() == []
    alert.refresh_from_db()
    assert delivery_progress(alert)["pending"] == 3 and not delivery_progress(alert)["recorded"]

    # The broker is back: the relay publishes, and the worker happens to run it twice.
    published = []
    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs=None, task_id=None, **o: published.append((name, kwargs, task_id))
    )
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=message.created_at)
    assert outbox_relay() == 1
    assert published == [(TASK, {"alert_id": alert.pk}, str(message.id))]
    for _ in range(2):
        app.tasks[TASK].apply(kwargs=published[0][1], task_id=published[0][2], throw=True)
    # The messages are written once; their sending goes out through the outbox
    # too (one sending task per run), and the worker gets each twice.
    assert sent_to() == []
    assert OutboundMessage.objects.filter(message_id=alert.delivery_id).count() == 3
    published.clear()
    assert outbox_relay() == 2
    assert {name for name, _kw, _id in published} == {TASK_SEND_OUTBOUND}
    for name, kwargs, task_id in published * 2:
        app.tasks[name].apply(kwargs=kwargs, task_id=task_id, throw=True)
    assert sorted(sent_to()) == sorted(EXPECTED)
    rows = OutboundMessage.objects.filter(message_id=alert.delivery_id)
    assert sorted(rows.values_list("recipient", "state", "attempts")) == sorted((r, "sent", 1) for r in EXPECTED)


def test_a_failed_send_is_retried_without_repeating_the_others(
    personas, draft, subscribers, monkeypatch, django_capture_on_commit_callbacks
):
    real_send = LocmemSmsBackend.send
    broken = {"+6281200000002"}

    def flaky(self, *, to, text):
        if to in broken:
            raise OSError("gateway timeout")
        real_send(self, to=to, text=text)

    monkeypatch.setattr(LocmemSmsBackend, "send", flaky)
    alert = draft()
    with django_capture_on_commit_callbacks(execute=True):
        services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    assert sorted(sent_to()) == sorted(EXPECTED - broken)
    progress = delivery_progress(alert)
    assert (progress["sent"], progress["pending"], progress["failed"]) == (2, 1, 0)
    assert OutboxMessage.objects.get(task_name=TASK).state == "sent"
    message = OutboxMessage.objects.get(task_name=TASK_SEND_OUTBOUND)
    assert message.state == "pending" and "gateway timeout" in message.last_error
    broken.clear()
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    outbox_relay()
    assert sorted(sent_to()) == sorted(EXPECTED)
    assert delivery_progress(alert)["sent"] == 3


def test_someone_who_unsubscribed_before_delivery_gets_nothing(personas, draft, subscribers, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    alert = draft()
    services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    Subscriber.objects.filter(address="warga@example.test").delete()
    app.tasks[TASK].apply(kwargs={"alert_id": alert.pk}, throw=True)
    run_sending_tasks()
    assert sorted(sent_to()) == sorted(EXPECTED - {"warga@example.test"})
    assert not AlertRecipient.objects.filter(recipient="warga@example.test").exists()
    assert delivery_progress(alert) == {"sent": 2, "failed": 0, "pending": 0, "total": 2, "recorded": True}


def test_someone_who_unsubscribed_before_a_retry_is_not_sent_the_retry(
    personas, draft, subscribers, settings, monkeypatch
):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def down(self, *, to, text):
        raise OSError("gateway down")

    monkeypatch.setattr(LocmemSmsBackend, "send", down)
    alert = draft()
    services.alert_publish(actor=personas.koordinator, alert_id=alert.pk)
    app.tasks[TASK].apply(kwargs={"alert_id": alert.pk}, throw=True)
    with pytest.raises(TransientDeliveryError):
        run_sending_tasks()
    assert sent_to() == ["warga@example.test"]
    monkeypatch.undo()
    token = Subscriber.objects.filter(address="+6281200000002").values_list("token", flat=True).first()
    assert subscriber_unsubscribe(token=token) == 1
    run_sending_tasks()
    assert sorted(sent_to()) == sorted(["warga@example.test", "+6281200000001"])
    gone = OutboundMessage.objects.get(message_id=alert.delivery_id, recipient="+6281200000002")
    assert (gone.state, gone.last_error) == ("failed", "unsubscribed")
    assert delivery_progress(alert)["failed"] == 1


def test_a_cancellation_reaches_the_same_subscribers(
    personas, published, subscribers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        original = published()
    LocmemSmsBackend.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel = services.alert_cancel(actor=personas.koordinator, alert_id=original.pk, reason_code="ancaman-berlalu")
    assert sorted(sent_to()) == sorted(EXPECTED)
    assert LocmemSmsBackend.outbox[0]["text"].startswith("PEMBATALAN BPBD MURATARA: DIBATALKAN: Banjir")
    assert "dibatalkan karena ancaman telah berlalu" in LocmemSmsBackend.outbox[0]["text"]
    assert cancel.delivery_id != original.delivery_id


def test_the_sms_stays_within_three_segments(personas, draft):
    alert = draft(instruction="Segera mengungsi. " * 60)
    text = sms_text(alert, unsubscribe="http://127.0.0.1:8000/peringatan/langganan/berhenti/" + "x" * 43 + "/")
    assert len(text) <= 459 and text.endswith("/") and "…" in text


def test_the_tasks_are_registered_and_reliable():
    app.loader.import_default_modules()
    for name in (TASK, "spm.warnings.tasks.send_subscription_confirmation"):
        task = app.tasks[name]
        assert task.acks_late and task.reject_on_worker_lost and 0 < task.max_retries <= 10, name
    assert {"spm.warnings.tasks.expire_alerts", "spm.warnings.tasks.fetch_feeds"} <= set(app.tasks)
