"""Reports by WhatsApp (Cloud API): the verification handshake, signed
webhooks, text, location and image messages (media fetched from a fake
Graph API on 127.0.0.1 and re-encoded), replies and the 24-hour window."""

import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from incidents.channels.models import Contact, InboundMedia, InboundMessage
from incidents.models import Incident, IncidentPhoto
from incidents.workflow.services import incident_assign, incident_transition
from kitaaman.models import OutboundMessage, OutboxMessage
from kitaaman.outbox import outbox_relay
from tests.incidents.channels.helpers import (
    SENDER,
    WA_TOKEN,
    WA_VERIFY_TOKEN,
    jpeg_bytes,
    menu_number,
    post_wa,
    wa_body,
    wa_message,
)

pytestmark = pytest.mark.django_db

MUARA_RUPIT = "16.13.01.1007"
MUARA_RUPIT_POINT = (-2.720805, 102.894186)


@pytest.fixture
def wa(client, channel_settings, committing, provider):
    """Deliver WhatsApp messages and return the texts sent back."""

    def send(*messages):
        before = len(provider.wa_texts())
        with committing():
            response = post_wa(client, wa_body(*messages))
        assert response.status_code == 200, response.content
        return provider.wa_texts()[before:]

    return send


def test_the_verification_handshake(client, channel_settings):
    params = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY_TOKEN, "hub.challenge": "1158201444"}
    response = client.get("/channels/whatsapp/", params)
    assert response.status_code == 200 and response.content == b"1158201444"
    assert response["Content-Type"].startswith("text/plain")
    response = client.get("/channels/whatsapp/", {**params, "hub.verify_token": "salah"})
    assert response.status_code == 403
    response = client.get("/channels/whatsapp/", {**params, "hub.mode": "unsubscribe"})
    assert response.status_code == 403


def test_a_bad_signature_is_401_and_nothing_is_stored(client, channel_settings):
    body = wa_body(wa_message(text="LAPOR"))
    assert post_wa(client, body, secret="bukan-rahasianya").status_code == 401
    raw = json.dumps(body).encode()
    response = client.post("/channels/whatsapp/", raw, content_type="application/json")
    assert response.status_code == 401
    assert not InboundMessage.objects.exists() and not OutboxMessage.objects.exists()


def test_location_and_image_make_a_report_with_the_point_and_a_clean_photo(wa, provider):
    provider.media["1000001"] = jpeg_bytes(size=(800, 600), exif_gps=True)
    (menu,) = wa(wa_message(text="lapor"))
    assert "Banjir" in menu
    (ask_desa,) = wa(wa_message(text=menu_number("bencana-banjir")))
    assert "lokasi" in ask_desa.lower()
    lat, lng = MUARA_RUPIT_POINT
    (ask_story,) = wa(wa_message("location", lat=lat + 0.001, lng=lng + 0.001))
    assert "foto" in ask_story.lower()
    # A photo with a caption: the caption is the story, the photo is kept.
    replies = wa(wa_message("image", media_id="1000001", caption="Air masuk ke rumah warga setinggi lutut."))
    assert any("Foto diterima (1" in r for r in replies)
    assert any("YA" in r for r in replies)
    (done,) = wa(wa_message(text="YA"))
    incident = Incident.objects.get()
    assert incident.channel == "whatsapp" and incident.reporter_phone == SENDER
    assert incident.desa_id == MUARA_RUPIT
    assert incident.lat == pytest.approx(lat + 0.001) and incident.lng == pytest.approx(lng + 0.001)
    assert incident.description == "Air masuk ke rumah warga setinggi lutut."
    assert incident.tracking_code in done
    photo = IncidentPhoto.objects.get(incident=incident)
    with photo.image.open("rb") as handle, Image.open(handle) as image:
        image.load()
        assert image.format == "JPEG" and image.size == (800, 600)
        assert not image.getexif().get_ifd(0x8825)  # no GPS left
    # The media was fetched with the access token, first its URL then its bytes.
    paths = [r["path"] for r in provider.requests if r["method"] == "GET"]
    assert paths == ["/v23.0/1000001", "/lookaside/1000001"]
    media_request = next(r for r in provider.requests if r["path"] == "/v23.0/1000001")
    assert media_request["headers"]["Authorization"] == f"Bearer {WA_TOKEN}"
    sent = provider.wa_sent()
    assert {m["to"] for m in sent} == {SENDER.lstrip("+")} and {m["type"] for m in sent} == {"text"}


def test_a_location_outside_the_kabupaten_is_refused(wa):
    wa(wa_message(text="LAPOR"))
    wa(wa_message(text=menu_number("bencana-banjir")))
    (reply,) = wa(wa_message("location", lat=-6.2, lng=106.8))
    assert "di luar Kabupaten" in reply


def test_a_file_that_is_not_a_photo_is_refused_and_not_attached(wa, provider):
    provider.media["1000002"] = b"<?php echo 'x'; ?>" * 10
    wa(wa_message(text="LAPOR#banjir#Muara Rupit"))
    replies = wa(wa_message("image", media_id="1000002", caption="Air naik setinggi pinggang di jalan."))
    assert any("Foto tidak dapat dipakai" in r for r in replies)
    wa(wa_message(text="YA"))
    incident = Incident.objects.get()
    assert not incident.photos.exists()
    assert InboundMedia.objects.get().error


def test_a_media_server_that_is_down_is_retried_later(wa, provider, committing):
    provider.media["1000003"] = jpeg_bytes()
    provider.failures[("GET", "/v23.0/1000003")] = [500]
    wa(wa_message(text="LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang di jalan"))
    assert wa(wa_message("image", media_id="1000003")) == []
    message = InboundMessage.objects.order_by("id").last()
    assert message.state == "pending" and message.attempts == 1
    OutboxMessage.objects.filter(state="pending").update(available_at=message.created_at)
    with committing():
        outbox_relay()
    message.refresh_from_db()
    assert message.state == "processed" and InboundMedia.objects.get().image


def test_other_kinds_of_message_get_the_help_text(wa):
    sticker = wa_message("sticker")
    sticker["sticker"] = {"id": "S1", "mime_type": "image/webp"}
    (reply,) = wa(sticker)
    assert "LAPOR" in reply


def test_a_photo_outside_a_report_is_explained(wa, provider):
    provider.media["1000004"] = jpeg_bytes()
    (reply,) = wa(wa_message("image", media_id="1000004"))
    assert "LAPOR" in reply


def test_several_messages_in_one_post_are_handled_in_order(client, channel_settings, committing, provider):
    with committing():
        response = post_wa(
            client,
            wa_body(wa_message(text="LAPOR"), wa_message(text=menu_number("bencana-banjir")), wa_message(text="Noman")),
        )
    assert response.json()["stored"] == 3
    texts = provider.wa_texts()
    assert "Kejadian apa?" in texts[0] and "desa/kelurahan mana" in texts[1] and "Ceritakan" in texts[2]


def test_a_replayed_message_id_is_stored_once(client, channel_settings, committing, provider):
    body = wa_body(wa_message(text="LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang", message_id="wamid.SAME"))
    with committing():
        post_wa(client, body)
    with committing():
        response = post_wa(client, body)
    assert response.json()["stored"] == 0
    assert InboundMessage.objects.count() == 1 and Incident.objects.count() == 1


def test_status_notifications_are_not_stored(client, channel_settings):
    body = wa_body()
    body["entry"][0]["changes"][0]["value"].pop("messages")
    body["entry"][0]["changes"][0]["value"]["statuses"] = [{"id": "wamid.out.1", "status": "delivered"}]
    response = post_wa(client, body)
    assert response.status_code == 200 and not InboundMessage.objects.exists()


def test_news_within_24_hours_is_text_and_later_the_template(wa, provider, personas, committing):
    wa(wa_message(text="LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang"))
    incident = Incident.objects.get()
    with committing():
        incident_transition(
            incident=incident, actor=personas.koordinator, to="diverifikasi", note="Tim menuju lokasi", public=True
        )
    last = provider.wa_sent()[-1]
    assert last["type"] == "text" and "Tim menuju lokasi" in last["text"]["body"]
    # A day later the window has closed: the pre-approved template carries the news.
    Contact.objects.update(last_inbound_at=timezone.now() - timedelta(hours=25))
    incident_assign(incident=incident, actor=personas.koordinator, agency="bpbd")
    with committing():
        incident_transition(
            incident=incident, actor=personas.koordinator, to="ditangani", note="Perahu karet dikirim", public=True
        )
    last = provider.wa_sent()[-1]
    assert last["type"] == "template"
    assert last["template"]["name"] == "kabar_laporan" and last["template"]["language"] == {"code": "id"}
    params = [p["text"] for p in last["template"]["components"][0]["parameters"]]
    assert params == [incident.tracking_code, "sedang ditangani", "Perahu karet dikirim"]
    assert OutboundMessage.objects.filter(kind="status", template="kabar_laporan").count() == 1


def test_no_template_configured_means_no_message_outside_the_window(wa, provider, personas, committing, settings):
    settings.WHATSAPP_STATUS_TEMPLATE = ""
    wa(wa_message(text="LAPOR#banjir#Muara Rupit#Air naik setinggi pinggang"))
    Contact.objects.update(last_inbound_at=timezone.now() - timedelta(hours=25))
    sent_before = len(provider.wa_sent())
    with committing():
        incident_transition(incident=Incident.objects.get(), actor=personas.koordinator, to="diverifikasi")
    assert len(provider.wa_sent()) == sent_before
    status = OutboundMessage.objects.get(kind="status")
    assert status.state == "failed" and "WHATSAPP_STATUS_TEMPLATE" in status.last_error


def test_the_image_size_limit_is_checked_before_downloading(wa, provider, settings):
    settings.MAX_PHOTO_BYTES = 1000
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(buffer, "JPEG", quality=95)
    provider.media["1000005"] = buffer.getvalue()
    wa(wa_message(text="LAPOR#banjir#Muara Rupit"))
    replies = wa(wa_message("image", media_id="1000005"))
    assert any("Foto tidak dapat dipakai" in r for r in replies)
    assert not any(r["path"].startswith("/lookaside/") for r in provider.requests)


def test_a_location_sent_before_the_category_is_kept(wa):
    wa(wa_message(text="LAPOR"))
    lat, lng = MUARA_RUPIT_POINT
    (menu,) = wa(wa_message("location", lat=lat, lng=lng))
    assert "Kejadian apa?" in menu
    (ask_story,) = wa(wa_message(text=menu_number("bencana-banjir")))
    assert "Ceritakan" in ask_story
    wa(wa_message(text="Air masuk ke rumah warga setinggi lutut."))
    wa(wa_message(text="ya"))
    assert Incident.objects.get().desa_id == MUARA_RUPIT


def test_the_admin_lists_messages_read_only(admin_client, wa):
    wa(wa_message(text="halo"))
    message = InboundMessage.objects.get()
    assert admin_client.get("/admin/channels/inboundmessage/").status_code == 200
    assert admin_client.get(f"/admin/channels/inboundmessage/{message.pk}/change/").status_code == 200
    assert admin_client.post(f"/admin/channels/inboundmessage/{message.pk}/delete/", {"post": "yes"}).status_code == 403
    # The answers are rows of the one outbound ledger.
    assert admin_client.get("/admin/kitaaman/outboundmessage/").status_code == 200
    assert admin_client.get("/admin/channels/blockednumber/add/").status_code == 403


def test_a_voice_note_is_answered_with_please_type_and_the_step_stays(wa):
    wa(wa_message(text="LAPOR"))
    wa(wa_message(text=menu_number("bencana-banjir")))
    wa(wa_message(text="Noman"))
    (reply,) = wa(wa_message("audio"))
    assert "tidak dapat mendengar pesan suara" in reply and "ketik" in reply
    assert "Terlalu singkat" not in reply and "terlalu pendek" not in reply
    (summary,) = wa(wa_message(text="Air masuk ke rumah warga setinggi lutut."))
    assert "Banjir, Noman" in summary
