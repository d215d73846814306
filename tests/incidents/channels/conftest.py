"""Fixtures for the SMS and WhatsApp channels: the fake provider, settings
pointing at it, and the outbox relay running at each (captured) commit."""

import pytest

from tests.incidents.channels.helpers import (
    SENDER,
    SMS_SECRET,
    WA_APP_SECRET,
    WA_PHONE_ID,
    WA_TOKEN,
    WA_VERIFY_TOKEN,
    FakeProvider,
    post_sms,
    sms_event,
)


@pytest.fixture
def provider():
    fake = FakeProvider()
    yield fake
    fake.close()


@pytest.fixture
def channel_settings(settings, provider):
    settings.SMS_WEBHOOK_SECRET = SMS_SECRET
    settings.SMS_BACKEND = "incidents.channels.sms_android.AndroidSmsGatewayBackend"
    settings.SMS_GATEWAY_URL = provider.url
    settings.SMS_GATEWAY_LOGIN = "kitaaman"
    settings.SMS_GATEWAY_PASSWORD = "sandi-gateway"
    settings.SMS_GATEWAY_TIMEOUT = 3
    settings.WHATSAPP_APP_SECRET = WA_APP_SECRET
    settings.WHATSAPP_VERIFY_TOKEN = WA_VERIFY_TOKEN
    settings.WHATSAPP_ACCESS_TOKEN = WA_TOKEN
    settings.WHATSAPP_PHONE_NUMBER_ID = WA_PHONE_ID
    settings.WHATSAPP_API_BASE_URL = f"{provider.url}/v23.0"
    settings.WHATSAPP_TIMEOUT = 3
    settings.WHATSAPP_STATUS_TEMPLATE = "kabar_laporan"
    settings.SITE_URL = "https://kitaaman.example.test"
    # The fake provider listens on 127.0.0.1: an internal address the gateways may reach only when listed.
    settings.OUTBOUND_HTTP_INTERNAL_HOSTS = ["127.0.0.1"]
    return settings


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run the commit hooks (the eager outbox relay) of what happens inside."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def sms(client, channel_settings, committing, provider):
    """Send one signed SMS webhook from `sender`; returns the replies it produced."""

    def send(text, *, sender=SENDER, event_id=None):
        before = len(provider.sms_texts(to=sender))
        with committing():
            response = post_sms(client, sms_event(text, sender=sender, event_id=event_id))
        assert response.status_code == 200, response.content
        return provider.sms_texts(to=sender)[before:]

    return send
