"""Every message that leaves the portal goes one way: a row of the outbound
ledger (kitaaman.OutboundMessage), sent by the one task
(kitaaman.tasks.send_outbound) through its channel's transport; once per
recipient even when every task runs twice, when the broker is down, or when
the worker sending it is killed mid-send."""

import re
import socket
from collections import Counter
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from incidents.models import StaffProfile
from kitaaman.celery import app
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbound import (
    TASK_SEND_OUTBOUND,
    Outgoing,
    TransientDeliveryError,
    outbound_enqueue,
    outbound_send,
    stale_claim,
)
from kitaaman.outbox import outbox_relay
from kitaaman.transports import EmailTransport, PermanentError, SmsTransport, TransientError, transport_for
from spm.summaries.services import summary_generate, summary_send
from spm.warnings import services as warnings
from tests.factories import DESA_RUPIT
from tests.incidents.channels.conftest import channel_settings, committing, provider, sms  # noqa: F401 (fixtures)
from tests.incidents.channels.helpers import SENDER, post_wa, wa_body, wa_message
from tests.kitaaman.test_celery_config import broker_at
from tests.spm.warnings.conftest import draft, subscribers  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

OFFICER_PHONE = "+6281200000077"


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def deliveries(provider):  # noqa: F811
    """Who received what, by address (phone numbers by their digits)."""
    seen = Counter(address.lower() for m in mail.outbox for address in m.to)
    for sms_message in provider.sms_sent():
        seen.update(digits(n) for n in sms_message["phoneNumbers"])
    seen.update(digits(m["to"]) for m in provider.wa_sent())
    return seen


def key(row: OutboundMessage) -> str:
    return row.recipient.lower() if row.channel == "email" else digits(row.recipient)


def run_every_task_again():
    """The broker hands every task out once more, under the same id."""
    app.loader.import_default_modules()
    for message in OutboxMessage.objects.order_by("created_at"):
        app.tasks[message.task_name].apply(kwargs=message.kwargs, task_id=str(message.id), throw=True)


# --- the producers: one per kind of message -------------------------------------------------------------


def staff_notification(ctx):
    StaffProfile.objects.filter(user=ctx.personas.officer_rupit).update(phone=OFFICER_PHONE)
    with ctx.committing():
        ctx.make_incident("bencana-banjir", desa=DESA_RUPIT)  # priority Tinggi: e-mail and SMS to officers
    return {"incident_created"}, {"email", "sms"}


def sms_reply(ctx):
    assert ctx.sms("halo")  # an answer came back
    return {"reply"}, {"sms"}


def whatsapp_reply(ctx):
    with ctx.committing():
        response = post_wa(ctx.client, wa_body(wa_message(text="halo")))
    assert response.status_code == 200
    return {"reply"}, {"whatsapp"}


def warning(ctx):
    alert = ctx.draft()
    with ctx.committing():
        warnings.alert_publish(actor=ctx.personas.koordinator, alert_id=alert.pk)
    return {"warning"}, {"email", "sms"}


def summary_email(ctx):
    OutboxMessage.objects.all().delete()
    summary = summary_generate(period_key="2026-11")
    with ctx.committing():
        summary_send(summary_id=summary.pk, revision=summary.revision)
    return {"summary"}, {"email"}


class Context:
    def __init__(self, **kw):
        self.__dict__.update(kw)


@pytest.mark.parametrize(
    "produce",
    [staff_notification, sms_reply, whatsapp_reply, warning, summary_email],
    ids=lambda f: f.__name__,
)
def test_every_kind_of_message_is_one_ledger_row_sent_once_by_the_one_task(
    produce,
    personas,
    make_incident,
    client,
    channel_settings,  # noqa: F811
    committing,  # noqa: F811
    provider,  # noqa: F811
    sms,  # noqa: F811
    draft,  # noqa: F811
    subscribers,  # noqa: F811
):
    ctx = Context(
        personas=personas, make_incident=make_incident, client=client, committing=committing, sms=sms, draft=draft
    )
    kinds, channels = produce(ctx)
    rows = list(OutboundMessage.objects.filter(kind__in=kinds))
    assert rows, "the producer wrote its messages to the ledger"
    assert {(r.state, r.attempts) for r in rows} == {("sent", 1)}
    assert {r.channel for r in rows} == channels
    # Each row went out through the one sending task (its batch is that task's kwargs).
    sending = {m.kwargs["message_id"] for m in OutboxMessage.objects.filter(task_name=TASK_SEND_OUTBOUND)}
    assert {str(r.message_id) for r in rows} <= sending
    # Every recipient got it once ...
    before = deliveries(provider)
    assert all(before[key(r)] >= 1 for r in rows)
    ours = {key(r) for r in rows}
    # ... and nothing more arrives when every task (producer and sender) runs again.
    with committing():
        run_every_task_again()
    after = deliveries(provider)
    assert {k: after[k] for k in ours} == {k: before[k] for k in ours}
    assert set(OutboundMessage.objects.filter(kind__in=kinds).values_list("attempts", flat=True)) == {1}


def test_staff_notifications_reach_e_mail_and_sms_through_their_transports(
    personas,
    make_incident,
    channel_settings,  # noqa: F811
    committing,  # noqa: F811
    provider,  # noqa: F811
):
    staff_notification(Context(personas=personas, make_incident=make_incident, committing=committing))
    rows = OutboundMessage.objects.filter(kind="incident_created")
    assert sorted(rows.values_list("channel", "recipient")) == [
        ("email", "koordinator@example.test"),
        ("email", "rupit@example.test"),
        ("sms", OFFICER_PHONE),
    ]
    assert provider.sms_texts(to=OFFICER_PHONE) and "Banjir" in provider.sms_texts(to=OFFICER_PHONE)[0]
    # The gateway's message id is kept on the row.
    assert rows.get(channel="sms").provider_id


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_broker_down_the_outbox_keeps_the_sending_task_and_the_relay_sends_it_once(
    personas, make_incident, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """A worker wrote the messages and the broker went down before it could
    publish their sending: the outbox keeps the task, the relay publishes it
    when the broker is back, and a redelivery sends nothing twice."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    incident = make_incident("bencana-banjir", desa=DESA_RUPIT)
    producer = OutboxMessage.objects.get(task_name="incidents.notify.tasks.deliver_incident_created")
    app.loader.import_default_modules()
    with broker_at(f"redis://127.0.0.1:{_closed_port()}/0"):
        with django_capture_on_commit_callbacks(execute=True):
            # The worker runs the producer; publishing its sending right after commit fails.
            app.tasks[producer.task_name].apply(kwargs=producer.kwargs, task_id=str(producer.id), throw=True)
        sending = OutboxMessage.objects.get(task_name=TASK_SEND_OUTBOUND)
        assert sending.state == "pending" and sending.attempts == 1 and sending.last_error
        assert outbox_relay() == 0  # still down at the relay's minute
    assert mail.outbox == []
    rows = OutboundMessage.objects.filter(incident_id=incident.pk)
    assert set(rows.values_list("state", flat=True)) == {"pending"}

    published = []
    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs=None, task_id=None, **o: published.append((name, kwargs, task_id))
    )
    OutboxMessage.objects.filter(pk=sending.pk).update(available_at=timezone.now())
    assert outbox_relay() == 1
    assert published == [(TASK_SEND_OUTBOUND, {"message_id": str(producer.id)}, str(sending.id))]
    for name, kwargs, task_id in published * 2:
        app.tasks[name].apply(kwargs=kwargs, task_id=task_id, throw=True)
    assert sorted(m.to[0] for m in mail.outbox) == ["koordinator@example.test", "rupit@example.test"]
    assert set(rows.values_list("state", "attempts")) == {("sent", 1)}


def test_a_row_left_sending_by_a_killed_worker_is_taken_over_once_its_claim_is_stale(db):
    """The worker died between claiming a row and finishing the send: the
    redelivered task leaves the fresh claim alone (and comes back when it goes
    stale), then takes the row over and sends it once."""
    outbound_enqueue(
        message_id="33333333-3333-3333-3333-333333333333",
        kind="escalation",
        messages=[Outgoing(channel="email", recipient=a, subject="s", text="t") for a in ("a@x.test", "b@x.test")],
    )
    cut = OutboundMessage.objects.get(recipient="b@x.test")
    killed_at = timezone.now()
    OutboundMessage.objects.filter(pk=cut.pk).update(state="sending", claimed_at=killed_at, attempts=1)

    with pytest.raises(TransientDeliveryError) as busy:
        outbound_send(message_id="33333333-3333-3333-3333-333333333333")
    assert busy.value.retry_after == int(stale_claim().total_seconds()) + 1
    assert [m.to for m in mail.outbox] == [["a@x.test"]]

    OutboundMessage.objects.filter(pk=cut.pk).update(claimed_at=killed_at - stale_claim() - timedelta(seconds=1))
    for _ in range(2):
        outbound_send(message_id="33333333-3333-3333-3333-333333333333")
    assert [m.to for m in mail.outbox] == [["a@x.test"], ["b@x.test"]]
    cut.refresh_from_db()
    assert (cut.state, cut.attempts) == ("sent", 2)


def test_one_stale_claim_setting(settings):
    settings.OUTBOUND_STALE_CLAIM_SECONDS = 42
    assert stale_claim() == timedelta(seconds=42)


# --- transports ----------------------------------------------------------------------------------------


def test_a_transport_per_channel(settings):
    assert isinstance(transport_for("email"), EmailTransport)
    assert isinstance(transport_for("sms"), SmsTransport)
    from incidents.channels.transport import WhatsAppTransport

    assert isinstance(transport_for("whatsapp"), WhatsAppTransport)
    with pytest.raises(PermanentError):
        transport_for("fax")


def test_transports_sort_errors_into_transient_and_permanent(db, monkeypatch):
    import smtplib

    from django.core.mail.backends.locmem import EmailBackend

    row = OutboundMessage(channel="email", kind="escalation", recipient="a@x.test", subject="s", text="t")
    for error, kind in (
        (smtplib.SMTPServerDisconnected("gone"), TransientError),
        (smtplib.SMTPRecipientsRefused({"a@x.test": (550, b"no such user")}), PermanentError),
        (smtplib.SMTPDataError(451, b"try later"), TransientError),
        (smtplib.SMTPDataError(554, b"rejected"), PermanentError),
    ):

        def fail(self, messages, error=error):
            raise error

        monkeypatch.setattr(EmailBackend, "send_messages", fail)
        with pytest.raises(kind):
            EmailTransport().send(row)


def test_whatsapp_refusal_fails_the_row_and_an_outage_keeps_it_pending(
    channel_settings,  # noqa: F811
    provider,  # noqa: F811
):
    from incidents.channels.outbound import Kind
    from kitaaman.outbound import outbound_message_enqueue, outbound_send_one

    down = outbound_message_enqueue(channel="whatsapp", recipient=SENDER, text="halo", kind=Kind.NOTICE)
    provider.failures[("POST", "/v23.0/1098765432/messages")] = [503, 400]
    assert outbound_send_one(down.pk) == "retry"
    down.refresh_from_db()
    assert down.state == "pending" and "503" in down.last_error
    assert outbound_send_one(down.pk) == "failed"
    down.refresh_from_db()
    assert down.state == "failed" and "400" in down.last_error
    assert provider.wa_texts() == []


def test_a_row_recorded_without_its_content_gets_it_when_its_task_runs_again(db):
    """Rows migrated from the old delivery table had no content: the producer's
    rerun (still queued) writes it, and the row is sent."""
    message_id = "55555555-5555-5555-5555-555555555555"
    OutboundMessage.objects.create(message_id=message_id, kind="assignment", channel="email", recipient="a@x.test")
    outbound_enqueue(
        message_id=message_id,
        kind="assignment",
        messages=[Outgoing(channel="email", recipient="a@x.test", subject="Penugasan", text="Isi")],
    )
    row = OutboundMessage.objects.get()
    assert (row.subject, row.text) == ("Penugasan", "Isi")
    outbound_send(message_id=message_id)
    assert [(m.subject, m.body) for m in mail.outbox] == [("Penugasan", "Isi")]


def test_the_sweep_queues_again_what_the_sending_task_left_behind(db, django_capture_on_commit_callbacks):
    from kitaaman.outbound import outbound_requeue

    long_ago = timezone.now() - timedelta(hours=3)
    left = [Outgoing(channel="email", recipient=a, subject="s", text="t") for a in ("a@x.test", "b@x.test")]
    outbound_enqueue(message_id="66666666-6666-6666-6666-666666666666", kind="escalation", messages=left)
    OutboxMessage.objects.all().delete()  # its sending task gave up publishing
    OutboundMessage.objects.filter(recipient="a@x.test").update(created_at=long_ago)
    # Left "sending" by a worker that died after the task's last attempt.
    outbound_enqueue(
        message_id="77777777-7777-7777-7777-777777777777",
        kind="escalation",
        messages=[Outgoing(channel="email", recipient="c@x.test", subject="s", text="t")],
    )
    OutboundMessage.objects.filter(recipient="c@x.test").update(state="sending", claimed_at=long_ago, attempts=6)
    # Recent, or without content, or done: left alone.
    outbound_enqueue(
        message_id="88888888-8888-8888-8888-888888888888",
        kind="escalation",
        messages=[Outgoing(channel="email", recipient="d@x.test", subject="s", text="t")],
    )
    OutboundMessage.objects.create(kind="assignment", channel="email", recipient="e@x.test", created_at=long_ago)
    OutboxMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert outbound_requeue() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["a@x.test", "b@x.test", "c@x.test"]
    with django_capture_on_commit_callbacks(execute=True):
        assert outbound_requeue() == 0
    assert OutboundMessage.objects.get(recipient="e@x.test").state == "pending"
