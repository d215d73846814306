"""The SMS gateway and the WhatsApp Graph API go through the portal's guarded
HTTP client: an internal address is reached only when its host is listed in
OUTBOUND_HTTP_INTERNAL_HOSTS (the fake provider listens on 127.0.0.1), never
another internal address a partner's answer points to, and a WhatsApp media id
is digits before it goes into a Graph URL."""

import pytest

from incidents.channels.sms_android import AndroidSmsGatewayBackend, SmsGatewayRefused
from incidents.channels.whatsapp import WhatsAppClient, WhatsAppRefused
from tests.incidents.channels.helpers import SENDER, jpeg_bytes


def port_of(provider):
    return provider.server.server_address[1]


def test_the_sms_gateway_on_an_internal_address_needs_its_host_listed(channel_settings, provider):
    channel_settings.OUTBOUND_HTTP_INTERNAL_HOSTS = []
    with pytest.raises(SmsGatewayRefused):
        AndroidSmsGatewayBackend().send(to=SENDER, text="Laporan Anda diterima.")
    assert provider.requests == []

    channel_settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["127.0.0.1"]
    assert AndroidSmsGatewayBackend().send(to=SENDER, text="Laporan Anda diterima.")
    assert [m["textMessage"]["text"] for m in provider.sms_sent()] == ["Laporan Anda diterima."]


def test_the_listed_host_opens_no_other_internal_name(channel_settings, provider):
    # The same server under a name that is not listed: refused before connecting.
    channel_settings.SMS_GATEWAY_URL = f"http://localhost:{port_of(provider)}"
    with pytest.raises(SmsGatewayRefused):
        AndroidSmsGatewayBackend().send(to=SENDER, text="x")
    with pytest.raises(WhatsAppRefused):
        WhatsAppClient(base_url=f"http://localhost:{port_of(provider)}/v23.0").send_text(to="6281234567890", text="x")
    assert provider.requests == []
    # The configured one works.
    assert WhatsAppClient().send_text(to="6281234567890", text="halo").startswith("wamid.out.")


def test_the_whatsapp_api_on_an_internal_address_needs_its_host_listed(channel_settings, provider):
    channel_settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["graph.facebook.com"]
    with pytest.raises(WhatsAppRefused):
        WhatsAppClient().send_text(to="6281234567890", text="halo")
    assert provider.requests == []


@pytest.mark.parametrize(
    "target",
    ["http://[::1]:{port}/lookaside/1000009", "http://localhost:{port}/lookaside/1000009", "http://169.254.169.254/"],
)
def test_a_media_url_on_another_internal_host_is_not_fetched(channel_settings, provider, target):
    provider.media["1000009"] = jpeg_bytes()
    url = target.format(port=port_of(provider))
    provider.routes[("GET", "/v23.0/1000009")] = lambda record: (
        200,
        {"url": url, "mime_type": "image/jpeg", "file_size": 10, "id": "1000009"},
    )
    with pytest.raises(WhatsAppRefused):
        WhatsAppClient().download_media("1000009", max_bytes=10**6)
    assert [r["path"] for r in provider.requests] == ["/v23.0/1000009"]


@pytest.mark.parametrize(
    "media_id", ["../../../admin", "123/../../admin", "123%2F..%2Fadmin", "123?fields=x", "", "abc"]
)
def test_a_media_id_that_is_not_digits_never_reaches_the_graph_api(channel_settings, provider, media_id):
    with pytest.raises(WhatsAppRefused):
        WhatsAppClient().download_media(media_id, max_bytes=10**6)
    assert provider.requests == []


def test_a_digit_media_id_is_fetched_with_the_token(channel_settings, provider):
    provider.media["1000010"] = jpeg_bytes()
    raw, mime = WhatsAppClient().download_media("1000010", max_bytes=10**6)
    assert raw == provider.media["1000010"] and mime == "image/jpeg"
    assert [r["path"] for r in provider.requests] == ["/v23.0/1000010", "/lookaside/1000010"]
