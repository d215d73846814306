"""Answers back: a status change reaches the reporter by the channel they
used, through the outbox, exactly once, also when the broker was down."""

import socket

import pytest
from django.utils import timezone

from incidents.models import Incident
from incidents.workflow.services import incident_assign, incident_note_add, incident_transition
from kitaaman.celery import app
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbox import outbox_relay
from tests.incidents.channels.helpers import SENDER, post_wa, wa_body, wa_message
from tests.kitaaman.test_celery_config import broker_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def sms_report(sms):
    sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang")
    return Incident.objects.get()


def _closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_status_change_with_a_public_note_reaches_the_sms_reporter_once_also_when_the_broker_was_down(
    sms_report, personas, provider, settings, monkeypatch
):
    incident = sms_report
    before = len(provider.sms_texts())
    # The broker is down when the koordinator verifies the report.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with broker_at(f"redis://127.0.0.1:{_closed_port()}/0"):
        incident_transition(
            incident=incident, actor=personas.koordinator, to="diverifikasi", note="Tim BPBD menuju lokasi", public=True
        )
        assert outbox_relay() == 0
    message = OutboxMessage.objects.get(task_name="kitaaman.tasks.send_outbound", state="pending")
    assert message.attempts == 1 and message.last_error
    assert len(provider.sms_texts()) == before
    # The broker is back: the relay publishes; the worker runs the task, and
    # the broker hands the same task out a second time (a redelivery).
    published = []
    monkeypatch.setattr(
        app, "send_task", lambda name, kwargs=None, task_id=None, **o: published.append((name, kwargs, task_id))
    )
    OutboxMessage.objects.filter(pk=message.pk).update(available_at=timezone.now())
    assert outbox_relay() == 1
    assert outbox_relay() == 0
    app.loader.import_default_modules()
    for name, kwargs, task_id in published * 2:
        app.tasks[name].apply(kwargs=kwargs, task_id=task_id, throw=True)
    news = provider.sms_texts()[before:]
    assert len(news) == 1
    assert (
        incident.tracking_code in news[0] and "sudah dicek petugas" in news[0] and "Tim BPBD menuju lokasi" in news[0]
    )
    assert OutboundMessage.objects.get(kind="status").state == "sent"


def test_an_internal_note_is_not_sent_but_the_new_status_is(sms_report, personas, provider, committing):
    before = len(provider.sms_texts())
    with committing():
        incident_transition(
            incident=sms_report, actor=personas.koordinator, to="diverifikasi", note="nomor HP kades", public=False
        )
    (news,) = provider.sms_texts()[before:]
    assert "sudah dicek petugas" in news and "kades" not in news


def test_a_note_without_a_status_change_sends_nothing(sms_report, personas, provider, committing):
    before = len(provider.sms_texts())
    with committing():
        incident_note_add(incident=sms_report, actor=personas.koordinator, text="Sudah ditelepon", public=True)
    assert provider.sms_texts()[before:] == []


def test_stop_ends_the_news_and_mulai_brings_it_back(sms, sms_report, personas, provider, committing):
    (reply,) = sms("STOP")
    assert "tidak akan menerima kabar" in reply
    before = len(provider.sms_texts())
    with committing():
        incident_transition(incident=sms_report, actor=personas.koordinator, to="diverifikasi", note="", public=True)
    assert provider.sms_texts()[before:] == []
    assert not OutboundMessage.objects.filter(kind="status").exists()
    (reply,) = sms("MULAI")
    assert "kembali menerima" in reply
    incident_assign(incident=sms_report, actor=personas.koordinator, agency="bpbd")
    with committing():
        incident_transition(incident=sms_report, actor=personas.koordinator, to="ditangani", note="", public=True)
    (news,) = provider.sms_texts()[-1:]
    assert "sedang ditangani" in news


def test_stop_on_one_channel_covers_the_number_on_the_other(sms_report, personas, provider, committing, client):
    with committing():
        post_wa(client, wa_body(wa_message(text="stop")))
    before = len(provider.sms_texts())
    with committing():
        incident_transition(incident=sms_report, actor=personas.koordinator, to="diverifikasi")
    assert provider.sms_texts()[before:] == []


def test_web_reporters_hear_by_e_mail_only_and_reporters_without_a_contact_hear_nothing(
    channel_settings, personas, make_incident, provider, committing, mailoutbox
):
    # Public-order reports alert no officer by mail, so the mailbox holds the reporter's news only.
    with_phone_only = make_incident("ketertiban-umum", reporter_email="", reporter_phone="081299990000")
    anonymous = make_incident("ketertiban-umum", reporter_email="", reporter_phone="", reporter_name="", anonymous=True)
    with committing():
        for incident in (with_phone_only, anonymous):
            incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi", public=True)
    assert provider.sms_sent() == [] and mailoutbox == []
    assert not OutboundMessage.objects.exists()
    with_email = make_incident("ketertiban-umum")
    with committing():
        incident_transition(incident=with_email, actor=personas.koordinator, to="diverifikasi", public=True)
    assert [m.to for m in mailoutbox] == [["siti@example.test"]]
    assert provider.sms_sent() == []


def test_an_sms_reporter_who_also_gave_an_e_mail_hears_both_ways(
    channel_settings, personas, make_incident, provider, committing, mailoutbox
):
    incident = make_incident("ketertiban-umum", channel="sms", reporter_phone=SENDER)
    with committing():
        incident_transition(incident=incident, actor=personas.koordinator, to="diverifikasi", public=True)
    assert len(provider.sms_texts()) == 1 and [m.to for m in mailoutbox] == [["siti@example.test"]]
