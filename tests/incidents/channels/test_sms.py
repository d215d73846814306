"""Reports by SMS through SMS Gateway for Android: signed webhooks in, the
guided conversation, the one-message form, CEK, and the replies going out
to a fake gateway on 127.0.0.1."""

import json
import time
from datetime import timedelta

import pytest

from incidents.channels import engine
from incidents.channels.models import Contact, Conversation, InboundMessage
from incidents.channels.processing import MAX_ATTEMPTS
from incidents.channels.tasks import requeue_pending
from incidents.models import Category, Incident
from incidents.workflow.services import incident_note_add, incident_transition
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbox import outbox_relay
from tests.incidents.channels.helpers import SENDER, menu_number, post_sms, sign_sms, sms_event

pytestmark = pytest.mark.django_db

MUARA_RUPIT = "16.13.01.1007"


def test_a_whole_conversation_ends_in_a_report_in_the_right_desa_and_a_reply_with_its_code(sms, provider):
    (menu,) = sms("LAPOR")
    assert "Kejadian apa?" in menu and "Banjir" in menu
    (ask_desa,) = sms(menu_number("bencana-banjir"))
    assert "desa/kelurahan mana" in ask_desa
    # A prefix and a typo: "desa muara rupt" is Kelurahan Muara Rupit.
    (ask_story,) = sms("desa muara rupt")
    assert "Ceritakan" in ask_story
    (summary,) = sms("Air sungai meluap setinggi lutut sejak subuh, dua rumah terendam.")
    assert "Muara Rupit" in summary and "Banjir" in summary and "YA" in summary
    assert not Incident.objects.exists()
    (done,) = sms("ya")
    incident = Incident.objects.get()
    assert incident.desa_id == MUARA_RUPIT and incident.kecamatan_id == "16.13.01"
    assert incident.category.code == "bencana-banjir"
    assert incident.channel == "sms" and incident.reporter_phone == SENDER
    assert incident.description.startswith("Air sungai meluap")
    # By SMS the code and CEK; the link (50 paid characters) only on WhatsApp.
    assert incident.tracking_code in done and f"CEK {incident.tracking_code}" in done
    conversation = Conversation.objects.get()
    assert conversation.status == "done" and conversation.incident == incident
    assert InboundMessage.objects.filter(state="processed", conversation=conversation).count() == 5
    # Every reply went to the gateway with the resident's number, exactly once each.
    assert [m["phoneNumbers"] for m in provider.sms_sent()] == [[SENDER]] * 5
    assert set(OutboundMessage.objects.values_list("state", flat=True)) == {"sent"}


def test_the_gateway_is_called_with_its_credentials_and_a_timeout(sms, provider):
    sms("halo")
    request = next(r for r in provider.requests if r["path"] == "/messages")
    assert request["headers"]["Authorization"].startswith("Basic ")


def test_the_one_message_form_makes_a_report_at_once(sms):
    (reply,) = sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang")
    incident = Incident.objects.get()
    assert (incident.category.code, incident.desa_id) == ("bencana-banjir", MUARA_RUPIT)
    assert incident.description == "Air naik setinggi pinggang"
    assert incident.tracking_code in reply


def test_the_one_message_form_asks_for_what_it_could_not_understand(sms):
    # "kebakaran" is a word of two categories: the resident chooses from the menu,
    # and what was understood (the desa and the story) is kept.
    (reply,) = sms("lapor # kebakaran # Noman # Rumah warga terbakar tadi malam")
    assert "Yang mana?" in reply and "1. Kebakaran hutan" in reply and "2. Kebakaran permukiman" in reply
    assert not Incident.objects.exists()
    (reply,) = sms("2")
    assert "Jumlah" in reply or "bangunan" in reply.lower()
    (reply,) = sms("2")
    assert "Noman" in reply and "YA" in reply
    sms("YA")
    incident = Incident.objects.get()
    assert incident.desa.name == "Noman" and incident.details == {"jumlah_bangunan": 2}


def test_required_questions_of_a_conflict_are_asked_one_by_one(sms):
    sms("LAPOR")
    (question,) = sms(menu_number("konflik-antarwarga"))
    sms("Noman")
    (question,) = sms("Dua kelompok pemuda bentrok di lapangan desa.")
    # The resident's plain question; the legal classification is the officers' (asked on the desk).
    assert "pokok masalah" in question and "1." in question and "UU 7/2012" not in question
    (question,) = sms("9")
    assert 'Belum dimengerti jawaban "9"' in question
    (question,) = sms("2")
    assert "kekerasan" in question.lower() and "YA atau TIDAK" in question
    (secret,) = sms("tidak")
    assert "Rahasiakan nama & nomor" in secret and "YA atau TIDAK" in secret
    (summary,) = sms("tidak")
    assert "YA" in summary
    sms("YA")
    incident = Incident.objects.get()
    assert incident.details["pokok_masalah"] == "batas-wilayah" and incident.details["ada_kekerasan"] is False
    assert not incident.anonymous and not incident.confidential
    assert "sumber_konflik" not in incident.details


def test_desa_from_the_numbered_list_of_a_kecamatan(sms):
    sms("LAPOR")
    sms(menu_number("bencana-longsor"))
    (kecamatan,) = sms("0")
    assert "Nibung" in kecamatan
    (desa_menu,) = sms("3")  # Nibung, in code order
    lines = [line for line in desa_menu.splitlines() if line[:1].isdecimal()]
    assert len(lines) == 11
    first = lines[0].split(". ", 1)[1]
    sms("1")
    sms("Tebing longsor menutup jalan desa sejak pagi.")
    sms("YA")
    incident = Incident.objects.get()
    assert incident.kecamatan_id == "16.13.03" and incident.desa.name == first


def test_a_name_that_fits_several_desa_offers_them(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    (choices,) = sms("Beringin Makmur")
    assert "Beringin Makmur I" in choices and "Beringin Makmur II" in choices
    (ask_story,) = sms("2")
    assert "Ceritakan" in ask_story
    assert Conversation.objects.get().data["desa"]


def test_unknown_desa_says_so(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    (reply,) = sms("Jakarta Selatan")
    assert 'Belum dimengerti nama desa "Jakarta Selatan"' in reply and "Balas 0" in reply


def test_cek_answers_status_and_last_public_note_only(sms, personas, make_incident):
    incident = make_incident()
    incident_transition(
        incident=incident, actor=personas.koordinator, to="diverifikasi", note="Tim BPBD menuju lokasi", public=True
    )
    incident_note_add(incident=incident, actor=personas.koordinator, text="catatan internal rahasia", public=False)
    (reply,) = sms(f"cek {incident.tracking_code.lower()}")
    assert incident.tracking_code in reply and "sudah dicek petugas" in reply
    assert "Tim BPBD menuju lokasi" in reply and "rahasia" not in reply
    (reply,) = sms("CEK KA-2345-6789A")
    assert "tidak ditemukan" in reply
    (reply,) = sms("CEK")
    assert "CEK diikuti kode" in reply


def test_a_replayed_provider_id_makes_one_report(client, channel_settings, committing, provider):
    event = sms_event("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang", event_id="Ey6ECgOkVVFjz3CL48B8C")
    with committing():
        first = post_sms(client, event)
    with committing():
        second = post_sms(client, event)
    assert first.json()["status"] == "stored" and second.json()["status"] == "duplicate"
    assert InboundMessage.objects.count() == 1 and Incident.objects.count() == 1
    assert len(provider.sms_texts()) == 1


def test_the_content_derived_message_id_is_not_the_key(sms):
    # The gateway's payload.messageId repeats for equal content; two events are two messages.
    sms("halo")
    sms("halo")
    assert InboundMessage.objects.count() == 2


@pytest.mark.parametrize(
    "tamper",
    ["wrong_secret", "body_changed", "old_timestamp", "future_timestamp", "no_signature", "no_secret_configured"],
)
def test_a_bad_signature_is_401_and_nothing_is_stored(client, channel_settings, tamper, settings):
    body = json.dumps(sms_event("LAPOR#banjir#Muara Rupit#Air naik")).encode()
    headers = sign_sms(body)
    if tamper == "wrong_secret":
        headers = sign_sms(body, secret="bukan-rahasianya")
    elif tamper == "body_changed":
        body = body.replace(b"Air naik", b"Air turun")
    elif tamper == "old_timestamp":
        headers = sign_sms(body, timestamp=int(time.time()) - 330)
    elif tamper == "future_timestamp":
        headers = sign_sms(body, timestamp=int(time.time()) + 330)
    elif tamper == "no_signature":
        headers = {}
    elif tamper == "no_secret_configured":
        settings.SMS_WEBHOOK_SECRET = ""
    response = client.post("/channels/sms/android/", body, content_type="application/json", **headers)
    assert response.status_code == 401
    assert not InboundMessage.objects.exists() and not OutboxMessage.objects.exists()
    assert not Contact.objects.exists()


def test_a_timestamp_within_five_minutes_is_accepted(client, channel_settings):
    body = json.dumps(sms_event("halo")).encode()
    response = client.post(
        "/channels/sms/android/",
        body,
        content_type="application/json",
        **sign_sms(body, timestamp=int(time.time()) - 270),
    )
    assert response.status_code == 200


def test_a_garbage_message_gets_the_help_text(sms):
    (reply,) = sms("asdf qwer ;;; 12345")
    assert "LAPOR" in reply and "CEK" in reply and "STOP" in reply
    assert InboundMessage.objects.get().state == "processed"


def test_other_gateway_events_and_unreadable_bodies(client, channel_settings):
    body = json.dumps({"event": "sms:delivered", "id": "x1", "payload": {"messageId": "m"}}).encode()
    response = client.post("/channels/sms/android/", body, content_type="application/json", **sign_sms(body))
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    body = b"{not json"
    response = client.post("/channels/sms/android/", body, content_type="application/json", **sign_sms(body))
    # Signed, so the gateway's: kept as it came for the desk, not refused (a refusal is retried for ever).
    assert response.status_code == 200 and response.json()["unreadable"] == 1
    message = InboundMessage.objects.get()
    assert message.state == "unreadable" and message.raw == {"body": "{not json"}


def test_batal_ends_the_conversation(sms):
    sms("LAPOR")
    (reply,) = sms("batal")
    assert "dibatalkan" in reply
    assert Conversation.objects.get().status == "cancelled"
    (reply,) = sms("3")
    assert "LAPOR" in reply  # no conversation any more: the help text


def test_a_lapsed_conversation_keeps_what_was_written_and_asks_for_the_missing_step(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    sms("Noman")
    Conversation.objects.update(last_activity_at=Conversation.objects.get().last_activity_at - timedelta(hours=3))
    (reply,) = sms("Air sungai masuk ke rumah warga sejak subuh tadi.")
    assert "masih tersimpan" in reply and "Banjir, Noman" in reply and "YA" in reply
    sms("ya")
    incident = Incident.objects.get()
    assert incident.desa.name == "Noman" and incident.description.startswith("Air sungai masuk")


def test_a_conversation_left_for_more_than_a_day_is_dropped(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    Conversation.objects.update(last_activity_at=Conversation.objects.get().last_activity_at - timedelta(hours=25))
    (reply,) = sms("Noman")
    assert "lewat sehari" in reply and "LAPOR" in reply
    assert Conversation.objects.get().status == "expired"


def test_a_conversation_idle_for_less_goes_on(sms):
    sms("LAPOR")
    sms(menu_number("bencana-banjir"))
    Conversation.objects.update(last_activity_at=Conversation.objects.get().last_activity_at - timedelta(minutes=29))
    (reply,) = sms("Noman")
    assert "Ceritakan" in reply


def test_a_processing_failure_keeps_the_message_and_answers_200(sms, monkeypatch, provider, committing):
    def broken(*args, **kwargs):
        raise RuntimeError("bug in the engine")

    monkeypatch.setattr(engine, "handle", broken)
    assert sms("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang") == []
    message = InboundMessage.objects.get()
    assert message.state == "pending" and message.attempts == 1 and "bug in the engine" in message.last_error
    # The outbox keeps the task for a later run; once the fault is gone it completes.
    monkeypatch.undo()
    OutboxMessage.objects.update(available_at=message.created_at)
    with committing():
        outbox_relay()
    message.refresh_from_db()
    assert message.state == "processed" and Incident.objects.count() == 1
    assert len(provider.sms_texts()) == 1


def test_a_message_that_keeps_failing_is_given_up_and_the_resident_told(sms, monkeypatch, committing, provider):
    monkeypatch.setattr(engine, "handle", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("always")))
    sms("LAPOR")
    for _attempt in range(MAX_ATTEMPTS - 1):
        OutboxMessage.objects.filter(state="pending").update(available_at=InboundMessage.objects.get().created_at)
        with committing():
            outbox_relay()
    message = InboundMessage.objects.get()
    assert message.state == "failed" and message.attempts == MAX_ATTEMPTS
    assert provider.sms_texts() == [OutboundMessage.objects.get().text]
    assert "gangguan" in provider.sms_texts()[0]


def test_a_gateway_that_is_down_gets_the_reply_later_once(sms, provider, committing):
    provider.failures[("POST", "/messages")] = [503]
    assert sms("halo") == []
    reply = OutboundMessage.objects.get()
    assert reply.state == "pending" and "503" in reply.last_error
    OutboxMessage.objects.filter(state="pending").update(available_at=reply.created_at)
    with committing():
        outbox_relay()
    reply.refresh_from_db()
    assert reply.state == "sent" and reply.attempts == 2
    assert len(provider.sms_texts()) == 1
    with committing():
        outbox_relay()
    assert len(provider.sms_texts()) == 1


def test_a_number_the_gateway_refuses_fails_without_retry(sms, provider):
    provider.failures[("POST", "/messages")] = [400]
    sms("halo")
    reply = OutboundMessage.objects.get()
    assert reply.state == "failed" and "400" in reply.last_error
    assert OutboxMessage.objects.filter(task_name__endswith="send_outbound").get().state == "sent"


def test_inactive_categories_are_not_on_the_menu(sms):
    Category.objects.filter(code="bencana-gempa").update(active=False)
    (menu,) = sms("LAPOR")
    assert "Gempa" not in menu


def test_messages_left_pending_are_picked_up_by_the_sweep(client, channel_settings, provider, settings, committing):
    # Stored while the broker was down and then forgotten by every retry.
    settings.CELERY_TASK_ALWAYS_EAGER = False
    post_sms(client, sms_event("LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang"))
    OutboxMessage.objects.all().delete()
    InboundMessage.objects.update(created_at=InboundMessage.objects.get().created_at - timedelta(minutes=16))
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with committing():
        assert requeue_pending.apply().get() == 1
    assert InboundMessage.objects.get().state == "processed" and Incident.objects.count() == 1
    assert len(provider.sms_texts()) == 1
    # Nothing left to pick up.
    with committing():
        assert requeue_pending.apply().get() == 0


@pytest.mark.parametrize("text", ["²", "³", "1²", "½"])
def test_characters_that_look_like_digits_are_not_numbers(sms, text):
    sms("LAPOR")
    (reply,) = sms(text)
    assert "Belum dimengerti jenis kejadian" in reply
    assert InboundMessage.objects.filter(state="processed").count() == 2
