"""Webhooks store first, per message: signed payloads that once answered 500
or 400 (NUL, a lone surrogate, deep nesting, a text given as a string, an
`entry` that is not an object, a body that is not JSON) are stored, cleaned,
with no 5xx; what cannot be read is flagged for the desk and never takes the
good message of the same delivery with it. Run on SQLite and on PostgreSQL
(which refuses NUL in text and JSON)."""

import hashlib
import hmac
import json

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from incidents.channels.models import Contact, Conversation, InboundMessage
from incidents.channels.services import number_block
from incidents.models import Incident
from kitaaman.models import OutboundMessage
from tests.conftest import is_postgres
from tests.incidents.channels.helpers import (
    SENDER,
    WA_APP_SECRET,
    post_sms,
    post_wa,
    sign_sms,
    sms_event,
    wa_body,
    wa_message,
)

pytestmark = pytest.mark.django_db

GOOD_REPORT = "LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang"
USER_ID = "ID.13491208655302741918"


def post_sms_raw(client, body: bytes):
    return client.post("/channels/sms/android/", body, content_type="application/json", **sign_sms(body))


def post_wa_raw(client, body: bytes):
    signature = "sha256=" + hmac.new(WA_APP_SECRET.encode(), body, hashlib.sha256).hexdigest()
    return client.post("/channels/whatsapp/", body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


# --- SMS -----------------------------------------------------------------------------------------


def test_an_sms_with_nul_is_stored_cleaned_and_processed(client, channel_settings, committing, provider):
    with committing():
        response = post_sms(client, sms_event("LAPOR\x00#banjir\x00"))
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "LAPOR\ufffd#banjir\ufffd" and "\x00" not in json.dumps(message.raw)
    assert message.state == "processed"
    assert provider.sms_texts(), "the resident is answered"


def test_an_sms_with_a_lone_surrogate_is_stored_cleaned(client, channel_settings, committing):
    event = sms_event("Banjir \ud800 di desa")
    event["payload"]["\udfffkey"] = "x"
    body = json.dumps(event).encode()  # ASCII escapes: the surrogate travels as \\ud800
    assert b"\\ud800" in body
    with committing():
        response = post_sms_raw(client, body)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "Banjir \ufffd di desa"
    assert "\ufffdkey" in message.raw["payload"]
    message.refresh_from_db()  # what the database holds reads back
    assert message.state == "processed"


def test_an_sms_nested_too_deep_to_parse_is_stored_raw_and_flagged(client, channel_settings, committing):
    event = json.dumps(sms_event("LAPOR"))
    body = (event[:-1] + ', "extra": ' + deep(50_000) + "}").encode()
    with committing():
        response = post_sms_raw(client, body)
    assert response.status_code == 200 and response.json()["unreadable"] == 1
    message = InboundMessage.objects.get()
    assert message.state == "unreadable" and message.note == "JSON terlalu dalam"
    assert message.raw["body"].startswith('{"deviceId"')
    # Retried by the gateway: stored once.
    with committing():
        post_sms_raw(client, body)
    assert InboundMessage.objects.count() == 1


def test_an_sms_with_deep_but_parseable_nesting_is_capped_and_processed(client, channel_settings, committing):
    event = json.dumps(sms_event(GOOD_REPORT))
    body = (event[:-1] + ', "extra": ' + deep(500) + "}").encode()
    with committing():
        response = post_sms_raw(client, body)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.state == "processed" and Incident.objects.count() == 1
    depth, value = 0, message.raw["extra"]
    while isinstance(value, list):
        depth, value = depth + 1, value[0]
    assert value == "[terlalu dalam]" and depth < 20


def test_an_sms_event_that_cannot_be_read_is_flagged_not_refused(client, channel_settings, committing):
    event = sms_event("halo")
    event["payload"]["phoneNumber"] = {"nested": "no number"}
    with committing():
        response = post_sms(client, event)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.state == "unreadable" and message.sender == "" and message.provider_id == event["id"]
    assert not OutboundMessage.objects.exists() and not Contact.objects.exists()


# --- WhatsApp ------------------------------------------------------------------------------------


def test_a_whatsapp_text_given_as_a_string_is_read(client, channel_settings, committing, provider):
    message = wa_message(text="x")
    message["text"] = GOOD_REPORT
    with committing():
        response = post_wa(client, wa_body(message))
    assert response.status_code == 200
    assert InboundMessage.objects.get().state == "processed" and Incident.objects.count() == 1


def test_a_whatsapp_text_with_nul_is_stored_cleaned(client, channel_settings, committing, provider):
    with committing():
        response = post_wa(client, wa_body(wa_message(text="LAPOR\x00")))
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.text == "LAPOR\ufffd" and message.raw["text"]["body"] == "LAPOR\ufffd"


def test_an_entry_that_is_not_an_object_does_not_lose_the_good_one(client, channel_settings, committing, provider):
    body = wa_body(wa_message(text=GOOD_REPORT))
    body["entry"] = ["rusak", 42, *body["entry"]]
    with committing():
        response = post_wa(client, body)
    assert response.status_code == 200
    assert response.json() | {"status": "ok"} == {"status": "ok", "stored": 3, "duplicates": 0, "unreadable": 2}
    flagged = InboundMessage.objects.filter(state="unreadable")
    assert sorted(m.raw["item"] for m in flagged if isinstance(m.raw["item"], str)) == ["rusak"]
    assert {m.note for m in flagged} == {"entry is not an object"}
    assert Incident.objects.count() == 1
    assert InboundMessage.objects.get(state="processed").text == GOOD_REPORT


def test_entry_as_a_string_or_changes_as_garbage_is_stored(client, channel_settings, committing):
    for entry in ("abc", {"changes": "x"}, {"changes": [{"field": "messages", "value": []}]}):
        body = {"object": "whatsapp_business_account", "entry": entry}
        with committing():
            response = post_wa(client, body)
        assert response.status_code == 200, entry
    assert InboundMessage.objects.filter(state="unreadable").count() == 3


def test_one_unreadable_message_does_not_lose_the_good_one(client, channel_settings, committing, provider):
    broken = wa_message("location", lat="not a number", lng=None)
    no_id = wa_message(text="tanpa id")
    del no_id["id"]
    good = wa_message(text=GOOD_REPORT)
    with committing():
        response = post_wa(client, wa_body(broken, "string", no_id, good))
    assert response.status_code == 200 and response.json()["unreadable"] == 3
    assert InboundMessage.objects.filter(state="unreadable").count() == 3
    kept = InboundMessage.objects.get(provider_id=broken["id"])
    assert kept.sender == SENDER and kept.note == "location without coordinates"
    incident = Incident.objects.get()
    assert incident.reporter_phone == SENDER and incident.description.startswith("Air naik")
    assert provider.wa_texts(), "the good message is answered"
    # Meta retries the whole delivery: nothing is stored twice, the report is not made twice.
    with committing():
        again = post_wa(client, wa_body(broken, "string", no_id, good))
    assert again.status_code == 200 and again.json()["stored"] == 0
    assert InboundMessage.objects.count() == 4 and Incident.objects.count() == 1


def test_a_whatsapp_body_that_is_not_json_or_not_whatsapp_is_stored(client, channel_settings, committing):
    with committing():
        assert post_wa_raw(client, b"\xff\xfe{garbage").status_code == 200
        assert post_wa_raw(client, json.dumps({"object": "page", "x": "\u0000"}).encode()).status_code == 200
        assert post_wa_raw(client, b'{"entry": ' + deep(50_000).encode() + b"}").status_code == 200
    rows = list(InboundMessage.objects.order_by("id"))
    assert [m.state for m in rows] == ["unreadable"] * 3
    assert rows[0].raw["body"].endswith("{garbage") and rows[1].raw == {"object": "page", "x": "\ufffd"}


def test_a_bad_signature_is_still_refused_whatever_the_payload(client, channel_settings):
    body = b'{"entry": ' + deep(50_000).encode() + b"}"
    response = client.post(
        "/channels/whatsapp/", body, content_type="application/json", HTTP_X_HUB_SIGNATURE_256="sha256=00"
    )
    assert response.status_code == 401
    response = client.post("/channels/sms/android/", b"\x00", content_type="application/json")
    assert response.status_code == 401
    assert not InboundMessage.objects.exists()


# --- WhatsApp users known only by username ---------------------------------------------------------


def _username_only(text, *, on_message: bool):
    message = wa_message(text=text)
    del message["from"]
    body = wa_body(message)
    value = body["entry"][0]["changes"][0]["value"]
    value["contacts"] = [{"profile": {"name": "Warga", "username": "@warga"}, "user_id": USER_ID}]
    if on_message:
        message["from_user_id"] = USER_ID
        value["contacts"] = [{"profile": {"name": "Warga"}}]
    return body


@pytest.mark.parametrize("on_message", [False, True])
def test_a_username_only_sender_reports_and_is_answered_through_the_user_id(
    client, channel_settings, committing, provider, on_message
):
    with committing():
        response = post_wa(client, _username_only(GOOD_REPORT, on_message=on_message))
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.sender == USER_ID and message.state == "processed"
    assert Contact.objects.get().number == USER_ID
    assert Incident.objects.get().reporter_phone == USER_ID
    (sent,) = provider.wa_sent()
    assert sent["recipient"] == USER_ID and "to" not in sent
    assert OutboundMessage.objects.get().recipient == USER_ID


def test_a_username_only_conversation_continues_across_messages(client, channel_settings, committing, provider):
    for text in ("LAPOR", "1"):
        with committing():
            assert post_wa(client, _username_only(text, on_message=False)).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.sender == USER_ID and conversation.step != ""
    assert all(sent["recipient"] == USER_ID for sent in provider.wa_sent())
    assert len(provider.wa_sent()) == 2


def test_a_username_only_sender_can_be_blocked(client, channel_settings, committing, personas):
    number_block(user=personas.koordinator, number=USER_ID, reason="spam")
    with committing():
        post_wa(client, _username_only("LAPOR", on_message=False))
    message = InboundMessage.objects.get()
    assert message.state == "ignored" and message.note == "blocked"


# --- the desk reads what could not be read ---------------------------------------------------------


def test_the_koordinator_reads_unreadable_messages_on_the_desk(client, channel_settings, committing, personas):
    with committing():
        post_wa(client, wa_body(wa_message("location", lat="x", lng="y"), wa_message(text="halo")))
        post_sms_raw(client, b"{rusak <b>")
    desk = Client()
    desk.force_login(personas.koordinator)
    response = desk.get("/petugas/pesan-tak-terbaca/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "location without coordinates" in page and SENDER in page
    assert "{rusak &lt;b&gt;" in page  # shown as it came, escaped
    assert "halo" not in page  # a message that was read is not listed
    assert 'href="/petugas/pesan-tak-terbaca/"' in desk.get("/petugas/").content.decode()


@pytest.mark.parametrize("persona", ["officer_rupit", "mitra_bpbd", "tim_efektif", "pimpinan"])
def test_only_the_koordinator_reads_unreadable_messages(persona, personas, client, channel_settings, committing):
    with committing():
        post_sms_raw(client, b"{rusak")
    desk = Client()
    desk.force_login(getattr(personas, persona))
    assert desk.get("/petugas/pesan-tak-terbaca/").status_code == 403
    assert "pesan-tak-terbaca" not in desk.get("/petugas/").content.decode()


# --- values the database cannot store ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "2026-02-30T10:00:00", "2999-01-01T00:00:00Z"]
)
def test_an_impossible_or_far_off_sms_time_is_replaced_by_now(client, channel_settings, committing, value):
    event = sms_event("LAPOR")
    event["payload"]["receivedAt"] = value
    before = timezone.now()
    with committing():
        response = post_sms(client, event)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.state == "processed" and before <= message.received_at <= timezone.now()


@pytest.mark.parametrize("value", ["99999999999999", "-99999999999", "253402300799"])
def test_an_impossible_whatsapp_timestamp_is_replaced_by_now(client, channel_settings, committing, value):
    message = wa_message(text="LAPOR")
    message["timestamp"] = value
    before = timezone.now()
    with committing():
        assert post_wa(client, wa_body(message)).status_code == 200
    assert before <= InboundMessage.objects.get().received_at <= timezone.now()


def test_a_message_the_database_refuses_is_stored_raw_instead(client, channel_settings, committing, monkeypatch):
    """Whatever slips past the reading (here a sender too long for its column,
    refused by PostgreSQL), the message is kept raw and flagged, not lost."""
    from incidents.channels import whatsapp

    read = whatsapp.parse_webhook

    def with_a_long_sender(body):
        payloads = read(body)
        payloads[0].sender = "+" + "1" * 300
        return payloads

    monkeypatch.setattr(whatsapp, "parse_webhook", with_a_long_sender)
    with committing():
        response = post_wa(client, wa_body(wa_message(text="LAPOR"), wa_message(text="halo")))
    assert response.status_code == 200 and response.json()["stored"] == 2
    if is_postgres():
        flagged = InboundMessage.objects.get(state="unreadable")
        assert flagged.sender == "" and flagged.note.startswith("DataError") and flagged.raw["text"]["body"] == "LAPOR"
    assert InboundMessage.objects.get(text="halo").state == "processed"


# --- any signed payload: stored or ignored, never a 5xx ----------------------------------------------

JSON_LEAF = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
JSON = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
FIELD = st.sampled_from(["id", "from", "from_user_id", "type", "text", "timestamp", "location", "image"])


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(overrides=st.dictionaries(FIELD, JSON, max_size=4), entry_extra=JSON)
def test_any_whatsapp_message_shape_is_answered_200(client, channel_settings, overrides, entry_extra):
    good = wa_message(text="halo")
    body = wa_body(good, {**wa_message(text="x"), **overrides})
    body["entry"].append(entry_extra)
    response = post_wa(client, body)
    assert response.status_code == 200, response.content
    assert InboundMessage.objects.get(provider_id=good["id"]).text == "halo"


@hyp_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(st.sampled_from(["message", "phoneNumber", "receivedAt", "sender"]), JSON))
def test_any_sms_event_shape_is_answered_200(client, channel_settings, payload):
    event = sms_event("halo")
    event["payload"].update(payload)
    response = post_sms(client, event)
    assert response.status_code == 200, response.content
    assert InboundMessage.objects.filter(provider_id=event["id"]).exists()
