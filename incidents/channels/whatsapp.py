"""WhatsApp through the WhatsApp Business Cloud API.

Incoming: the webhook. Meta first checks it with a GET handshake
(hub.mode=subscribe, hub.verify_token = WHATSAPP_VERIFY_TOKEN, echo
hub.challenge); every POST carries X-Hub-Signature-256: "sha256=" + hex
HMAC-SHA256 of the raw body keyed with WHATSAPP_APP_SECRET. One POST can hold
several messages (and delivery statuses, which are not stored).

Outgoing: a small Graph API client (text, template, media) on the portal's
outbound client (kitaaman.outbound_http: timeouts, a deadline, a size cap, the
internal-address guard; WHATSAPP_API_BASE_URL on an internal address only when
its host is in OUTBOUND_HTTP_INTERNAL_HOSTS). Media ids are digits, checked
before they go into a Graph URL. pywa was considered; it fixes the Graph host
in its code (tests must talk to a local fake server) and brings a bot
framework we do not use.
"""

import hashlib
import hmac
import math
import re
from datetime import UTC, datetime
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone

from incidents.channels.cleaning import sane_time
from incidents.channels.phone import business_user_id, normalize_number
from incidents.channels.services import InboundPayload
from incidents.channels.unreadable import unreadable_payload
from incidents.models import Channel
from kitaaman import outbound_http
from kitaaman.outbound_http import OutboundError, TooLarge, internal_hosts

MEDIA_ID = re.compile(r"^[0-9]{1,64}$")
MAX_API_ANSWER_BYTES = 1024 * 1024


class WhatsAppUnavailable(ConnectionError):
    """The API could not be reached or answered 5xx/429: try again later."""


class WhatsAppRefused(Exception):
    """The API refused the request (bad number, token, template): do not retry."""


class BadPayload(ValueError):
    pass


def verify_handshake(params) -> str | None:
    """The challenge to echo when Meta's subscription check is ours, else None."""
    token = settings.WHATSAPP_VERIFY_TOKEN
    if not token or params.get("hub.mode") != "subscribe":
        return None
    if not hmac.compare_digest(str(params.get("hub.verify_token") or ""), token):
        return None
    return str(params.get("hub.challenge") or "")


def signature_ok(*, body: bytes, header: str) -> bool:
    secret = settings.WHATSAPP_APP_SECRET
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


def _received_at(message: dict):
    try:
        return sane_time(datetime.fromtimestamp(int(message.get("timestamp")), tz=UTC))
    except (TypeError, ValueError, OverflowError, OSError):
        return timezone.now()


def _identity(value) -> str:
    """A sender's number (+62…) or, for a user who hides it behind a
    username, their business-scoped user id; "" when neither."""
    text = str(value or "").strip()
    if not text:
        return ""
    return business_user_id(text) or normalize_number("+" + text.lstrip("+"))


def _sender(message: dict, contacts: list) -> str:
    for key in ("from", "from_user_id", "user_id"):
        found = _identity(message.get(key))
        if found:
            return found
    # Only the change's contact names the sender (a username-only user may
    # come with nothing but its user_id there): usable when it is the only one.
    if len(contacts) == 1 and isinstance(contacts[0], dict):
        return _identity(contacts[0].get("wa_id")) or _identity(contacts[0].get("user_id"))
    return ""


def _text_body(value) -> str:
    if isinstance(value, dict):
        value = value.get("body")
    return value[:5000] if isinstance(value, str) else ""


def _object(value) -> dict:
    return value if isinstance(value, dict) else {}


def _message(message: dict, contacts: list) -> InboundPayload:
    if not isinstance(message, dict):
        raise BadPayload("message is not an object")
    if not isinstance(message.get("id"), str | int) or not str(message["id"]).strip():
        raise BadPayload("message without id")
    sender = _sender(message, contacts)
    if not sender:
        raise BadPayload("message without a readable sender")
    kind = message.get("type")
    payload = InboundPayload(
        channel=Channel.WHATSAPP,
        provider_id=str(message["id"])[:200],
        sender=sender,
        received_at=_received_at(message),
        raw=message,
    )
    if kind == "text":
        payload.text = _text_body(message.get("text"))
    elif kind == "location":
        location = _object(message.get("location"))
        try:
            payload.lat, payload.lng = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            raise BadPayload("location without coordinates")
        if not (math.isfinite(payload.lat) and math.isfinite(payload.lng)):
            raise BadPayload("location without coordinates")
    elif kind == "image":
        image = _object(message.get("image"))
        if not isinstance(image.get("id"), str | int) or not str(image["id"]).strip():
            raise BadPayload("image without media id")
        payload.text = _text_body(image.get("caption"))
        payload.media = [{"type": "image", "id": str(image["id"]), "mime_type": str(image.get("mime_type") or "")}]
    else:
        # Voice notes, videos, stickers…: kept, answered with the help text.
        payload.media = [{"type": str(kind or "unknown")[:40]}]
    return payload


def unreadable(raw, why: str, *, provider_id: str = "", sender: str = "") -> InboundPayload:
    """What could not be read, to be stored as it came and flagged for the desk."""
    return unreadable_payload(Channel.WHATSAPP, raw, why, provider_id=provider_id, sender=sender)


def _read(message, contacts: list) -> InboundPayload:
    try:
        return _message(message, contacts)
    except BadPayload as exc:
        message_id = message.get("id") if isinstance(message, dict) else None
        provider_id = str(message_id)[:200] if isinstance(message_id, str | int) and str(message_id).strip() else ""
        sender = _sender(message, contacts) if isinstance(message, dict) else ""
        return unreadable(message, str(exc), provider_id=provider_id, sender=sender)


def _items(value) -> list:
    """A list the notification should hold; an object alone counts as one."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_webhook(body) -> list[InboundPayload]:
    """The messages of a webhook POST (cleaned JSON), one payload each. What
    cannot be read (a message, an entry or the whole notification) comes
    back flagged as unreadable, never as an error that would lose the rest."""
    if not isinstance(body, dict) or body.get("object") != "whatsapp_business_account":
        return [unreadable(body, "not a WhatsApp Business Account notification")]
    messages = []
    for entry in _items(body.get("entry")):
        if not isinstance(entry, dict):
            messages.append(unreadable(entry, "entry is not an object"))
            continue
        for change in _items(entry.get("changes")):
            if not isinstance(change, dict):
                messages.append(unreadable(change, "change is not an object"))
                continue
            if change.get("field") != "messages":
                continue
            value = change.get("value")
            if not isinstance(value, dict):
                messages.append(unreadable(change, "change value is not an object"))
                continue
            contacts = value.get("contacts") if isinstance(value.get("contacts"), list) else []
            messages.extend(_read(message, contacts) for message in _items(value.get("messages")))
    return messages


def recipient_address(recipient: str) -> dict:
    """How the Graph API is told who gets a message: "to" for a number,
    "recipient" for a business-scoped user id (a user known only by username)."""
    if business_user_id(recipient):
        return {"recipient": recipient}
    return {"to": recipient.lstrip("+")}


# --- the Graph API client ----------------------------------------------------------------------------


class WhatsAppClient:
    def __init__(self, *, base_url=None, token=None, phone_number_id=None, timeout=None):
        self.base_url = (base_url or settings.WHATSAPP_API_BASE_URL).rstrip("/")
        self.token = token or settings.WHATSAPP_ACCESS_TOKEN
        self.phone_number_id = phone_number_id or settings.WHATSAPP_PHONE_NUMBER_ID
        self.timeout = timeout or settings.WHATSAPP_TIMEOUT

    def _request(self, method: str, url: str, *, max_bytes: int = MAX_API_ANSWER_BYTES, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            response = outbound_http.request(
                method,
                url,
                headers=headers,
                max_bytes=max_bytes,
                timeout=self.timeout,
                allow_hosts=internal_hosts(),
                **kwargs,
            )
        except TooLarge as exc:
            raise WhatsAppRefused(f"answer too large (over {max_bytes} bytes)") from exc
        except OutboundError as exc:
            if exc.transient:
                raise WhatsAppUnavailable(f"WhatsApp API unreachable: {exc}") from exc
            raise WhatsAppRefused(f"WhatsApp API request refused: {exc}") from exc
        text = response.body[:300].decode("utf-8", "replace")
        if response.status >= 500 or response.status == 429:
            raise WhatsAppUnavailable(f"WhatsApp API error {response.status}: {text}")
        if response.status >= 400:
            raise WhatsAppRefused(f"WhatsApp API refused ({response.status}): {text}")
        return response

    def _send(self, to: str, payload: dict) -> str:
        response = self._request(
            "POST",
            f"{self.base_url}/{self.phone_number_id}/messages",
            json={"messaging_product": "whatsapp", "recipient_type": "individual", **recipient_address(to), **payload},
        )
        try:
            return str(response.json()["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            # Accepted (2xx) but unreadable: sending again would duplicate it.
            return ""

    def send_text(self, *, to: str, text: str) -> str:
        return self._send(to, {"type": "text", "text": {"body": text[:4096], "preview_url": False}})

    def send_template(self, *, to: str, name: str, language: str, params: list[str]) -> str:
        return self._send(
            to,
            {
                "type": "template",
                "template": {
                    "name": name,
                    "language": {"code": language},
                    "components": [{"type": "body", "parameters": [{"type": "text", "text": str(p)} for p in params]}],
                },
            },
        )

    def download_media(self, media_id: str, *, max_bytes: int) -> tuple[bytes, str]:
        """The media's bytes and MIME type. Refuses a media id that is not
        digits and files over max_bytes (WhatsAppRefused) without downloading
        them whole."""
        if not MEDIA_ID.match(str(media_id)):
            raise WhatsAppRefused("media id is not a WhatsApp media id")
        info = self._request("GET", f"{self.base_url}/{quote(str(media_id), safe='')}")
        try:
            data = info.json()
            url = str(data["url"])
        except (ValueError, KeyError, TypeError):
            raise WhatsAppRefused("media lookup without a URL")
        size = data.get("file_size")
        if isinstance(size, int) and size > max_bytes:
            raise WhatsAppRefused(f"media too large ({size} bytes)")
        media = self._request("GET", url, max_bytes=max_bytes)
        return media.body, str(data.get("mime_type") or "")
