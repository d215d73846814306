"""SMS through SMS Gateway for Android (a phone with a local SIM).

Incoming: the app's `sms:received` webhook. It signs each request: X-Signature
is the hex HMAC-SHA256, keyed with SMS_WEBHOOK_SECRET, of the raw body
followed by the X-Timestamp header (Unix seconds). The event's top-level
`id` identifies the delivery; the payload's `messageId` is derived from the
content and repeats, so it is not used as the key.

Outgoing: AndroidSmsGatewayBackend, an SMS_BACKEND for kitaaman.sms built on
the `android-sms-gateway` client, with the portal's guarded httpx client
(kitaaman.outbound_http: timeouts, a deadline, a size cap; a gateway on an
internal address only when its host is in OUTBOUND_HTTP_INTERNAL_HOSTS).
"""

import hashlib
import hmac
import logging
import time

import httpx
from android_sms_gateway import APIClient, Message, TextMessage
from android_sms_gateway.errors import APIError
from android_sms_gateway.http import HttpxHttpClient
from django.conf import settings
from django.utils.dateparse import parse_datetime

from incidents.channels.cleaning import sane_time
from incidents.channels.phone import normalize_number
from incidents.channels.services import InboundPayload
from incidents.channels.unreadable import unreadable_payload
from incidents.models import Channel
from kitaaman.outbound_http import AddressRefused, OutboundError, guarded_client, internal_hosts
from kitaaman.sms import BaseSmsBackend

logger = logging.getLogger(__name__)

MAX_CLOCK_SKEW = 300  # seconds either way
MAX_ANSWER_BYTES = 1024 * 1024


class SmsGatewayUnavailable(ConnectionError):
    """The gateway could not be reached or answered 5xx/429: try again later."""


class SmsGatewayRefused(Exception):
    """The gateway refused the message (bad number, bad credentials): do not retry."""


def signature_ok(*, body: bytes, timestamp: str, signature: str, now: float | None = None) -> bool:
    secret = settings.SMS_WEBHOOK_SECRET
    if not secret or not timestamp or not signature:
        return False
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs((now or time.time()) - sent_at) > MAX_CLOCK_SKEW:
        return False
    expected = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def _received_at(value):
    try:
        received_at = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible ("2026-13-45T…")
        received_at = None
    return sane_time(received_at)


def unreadable(raw, why: str, *, provider_id: str = "", sender: str = "") -> InboundPayload:
    """What could not be read, to be stored as it came and flagged for the desk."""
    return unreadable_payload(Channel.SMS, raw, why, provider_id=provider_id, sender=sender)


def parse_event(event) -> InboundPayload | None:
    """The message of an `sms:received` event (cleaned JSON); None for the
    app's other events (sent, delivered, ping). An event that cannot be read
    comes back flagged as unreadable, to be stored and shown to the desk."""
    if not isinstance(event, dict):
        return unreadable(event, "not an object")
    if event.get("event") != "sms:received":
        return None
    event_id = event.get("id")
    event_id = str(event_id).strip()[:200] if isinstance(event_id, str | int) else ""
    payload = event.get("payload")
    if not event_id or not isinstance(payload, dict):
        return unreadable(event, "missing id or payload", provider_id=event_id)
    sender = normalize_number(payload.get("phoneNumber") or payload.get("sender"))
    if not sender:
        return unreadable(event, "missing or unreadable phoneNumber", provider_id=event_id)
    text = payload.get("message")
    if text is not None and not isinstance(text, str | int | float):
        return unreadable(event, "message is not text", provider_id=event_id, sender=sender)
    return InboundPayload(
        channel=Channel.SMS,
        provider_id=event_id,
        sender=sender,
        text=str(text if text is not None else "")[:5000],
        received_at=_received_at(payload.get("receivedAt")),
        raw=event,
    )


class AndroidSmsGatewayBackend(BaseSmsBackend):
    """Sends through the gateway's API: the phone's Local Server
    (http://<phone>:8080) or the Cloud/Private server (…/3rdparty/v1)."""

    def send(self, *, to: str, text: str) -> str:
        http = guarded_client(
            timeout=settings.SMS_GATEWAY_TIMEOUT, max_bytes=MAX_ANSWER_BYTES, allow_hosts=internal_hosts()
        )
        try:
            client = APIClient(
                settings.SMS_GATEWAY_LOGIN,
                settings.SMS_GATEWAY_PASSWORD,
                base_url=settings.SMS_GATEWAY_URL,
                http=HttpxHttpClient(http),
            )
            state = client.send(Message(phone_numbers=[to], text_message=TextMessage(text=text)))
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise SmsGatewayUnavailable(f"SMS gateway unreachable: {exc}") from exc
        except AddressRefused as exc:
            logger.error(
                "SMS gateway %s is on an internal address; list its host in OUTBOUND_HTTP_INTERNAL_HOSTS",
                settings.SMS_GATEWAY_URL,
            )
            raise SmsGatewayRefused(f"SMS gateway address refused: {exc}") from exc
        except OutboundError as exc:
            if exc.transient:
                raise SmsGatewayUnavailable(f"SMS gateway unreachable: {exc}") from exc
            raise SmsGatewayRefused(f"SMS gateway answer refused: {exc}") from exc
        except APIError as exc:
            if exc.status_code is None or exc.status_code >= 500 or exc.status_code == 429:
                raise SmsGatewayUnavailable(f"SMS gateway error {exc.status_code}: {exc}") from exc
            raise SmsGatewayRefused(f"SMS gateway refused ({exc.status_code}): {exc}") from exc
        except (KeyError, ValueError, TypeError) as exc:
            # A 2xx answer we cannot read: the gateway took the message; sending
            # it again would give the resident a duplicate.
            logger.warning("SMS gateway accepted a message with an unreadable answer: %s", exc)
            return ""
        finally:
            http.close()
        return state.id
