"""Helpers for the SMS and WhatsApp channel tests: a fake provider on
127.0.0.1 (the SMS gateway's API and the Graph API) and signed webhook posts."""

import hashlib
import hmac
import io
import json
import threading
import time
import uuid
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import Client
from PIL import Image

from incidents.channels.matching import active_categories

SMS_SECRET = "rahasia-gateway-uji"
WA_APP_SECRET = "rahasia-aplikasi-uji"
WA_VERIFY_TOKEN = "token-verifikasi-uji"
WA_TOKEN = "token-akses-uji"
WA_PHONE_ID = "1098765432"
SENDER = "+6281234567890"


class FakeProvider:
    """A tiny HTTP server standing in for the SMS gateway and the Graph API.
    Records every request; answers from `routes` ((method, path) -> handler)."""

    def __init__(self):
        self.requests = []
        self.routes = {}
        self.media = {}
        self.failures = {}  # (method, path) -> list of statuses to answer first
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self, method):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                record = {"method": method, "path": self.path, "headers": dict(self.headers), "body": body}
                provider.requests.append(record)
                key = (method, self.path)
                pending = provider.failures.get(key)
                if pending:
                    record["status"] = pending.pop(0)
                    self._answer(record["status"], {"error": {"message": "temporarily down"}})
                    return
                handler = provider.routes.get(key) or provider._default(method, self.path)
                if handler is None:
                    record["status"] = 404
                    self._answer(404, {"error": {"message": "not found"}})
                    return
                record["status"], payload = handler(record)
                self._answer(record["status"], payload)

            def _answer(self, status, payload):
                raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header(
                    "Content-Type", "application/octet-stream" if isinstance(payload, bytes) else "application/json"
                )
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def do_GET(self):
                self._handle("GET")

            def do_POST(self):
                self._handle("POST")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def _default(self, method, path):
        if method == "POST" and path == "/messages":
            return self._sms_send
        if method == "POST" and path == f"/v23.0/{WA_PHONE_ID}/messages":
            return self._wa_send
        if method == "GET" and path.startswith("/v23.0/") and path[len("/v23.0/") :] in self.media:
            return self._wa_media_info
        if method == "GET" and path.startswith("/lookaside/"):
            return self._wa_media_bytes
        return None

    def _sms_send(self, record):
        body = json.loads(record["body"])
        return 202, {
            "id": uuid.uuid4().hex,
            "state": "Pending",
            "recipients": [{"phoneNumber": n, "state": "Pending"} for n in body["phoneNumbers"]],
        }

    def _wa_send(self, record):
        return 200, {"messaging_product": "whatsapp", "messages": [{"id": f"wamid.out.{uuid.uuid4().hex}"}]}

    def _wa_media_info(self, record):
        media_id = record["path"][len("/v23.0/") :]
        content = self.media[media_id]
        return 200, {
            "messaging_product": "whatsapp",
            "url": f"{self.url}/lookaside/{media_id}",
            "mime_type": "image/jpeg",
            "file_size": len(content),
            "id": media_id,
        }

    def _wa_media_bytes(self, record):
        if record["headers"].get("Authorization") != f"Bearer {WA_TOKEN}":
            return 401, {"error": {"message": "no token"}}
        return 200, self.media[record["path"][len("/lookaside/") :]]

    # What the tests look at: requests the fake accepted.
    def _accepted(self, method, path):
        return [
            json.loads(r["body"])
            for r in self.requests
            if r["method"] == method and r["path"] == path and r.get("status", 500) < 300
        ]

    def sms_sent(self):
        return self._accepted("POST", "/messages")

    def sms_texts(self, to=SENDER):
        return [m["textMessage"]["text"] for m in self.sms_sent() if to in m["phoneNumbers"]]

    def wa_sent(self):
        return self._accepted("POST", f"/v23.0/{WA_PHONE_ID}/messages")

    def wa_texts(self):
        return [m["text"]["body"] for m in self.wa_sent() if m["type"] == "text"]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def sms_event(text, *, sender=SENDER, event_id=None):
    return {
        "deviceId": "ffffffffceb0b1db0000018e937c815b",
        "event": "sms:received",
        "id": event_id or uuid.uuid4().hex[:21],
        "payload": {
            "messageId": "abc123",
            "message": text,
            "phoneNumber": sender,
            "simNumber": 1,
            "receivedAt": datetime.now(UTC).astimezone().isoformat(timespec="milliseconds"),
        },
        "webhookId": "wh-1",
    }


def sign_sms(body: bytes, *, timestamp=None, secret=SMS_SECRET):
    timestamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return {"HTTP_X_SIGNATURE": signature, "HTTP_X_TIMESTAMP": timestamp}


def post_sms(client: Client, event: dict, **sign):
    body = json.dumps(event).encode()
    return client.post("/channels/sms/android/", body, content_type="application/json", **sign_sms(body, **sign))


def wa_message(kind="text", *, sender=SENDER, message_id=None, **content):
    message = {
        "from": sender.lstrip("+"),
        "id": message_id or f"wamid.in.{uuid.uuid4().hex}",
        "timestamp": str(int(time.time())),
        "type": kind,
    }
    if kind == "text":
        message["text"] = {"body": content["text"]}
    elif kind == "location":
        message["location"] = {"latitude": content["lat"], "longitude": content["lng"], "name": "Rumah"}
    elif kind == "image":
        message["image"] = {"id": content["media_id"], "mime_type": "image/jpeg", "sha256": "x"}
        if content.get("caption"):
            message["image"]["caption"] = content["caption"]
    return message


def wa_body(*messages, sender=SENDER):
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA_ID",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": "6281100000000", "phone_number_id": WA_PHONE_ID},
                            "contacts": [{"profile": {"name": "Warga"}, "wa_id": sender.lstrip("+")}],
                            "messages": list(messages),
                        },
                    }
                ],
            }
        ],
    }


def post_wa(client: Client, body: dict, *, secret=WA_APP_SECRET):
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return client.post("/channels/whatsapp/", raw, content_type="application/json", HTTP_X_HUB_SIGNATURE_256=signature)


def jpeg_bytes(size=(64, 48), color="red", exif_gps=False):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    if exif_gps:
        exif = Image.Exif()
        exif[0x8825] = {1: "S", 2: (2.0, 43.0, 0.0)}
        image.save(buffer, "JPEG", exif=exif)
    else:
        image.save(buffer, "JPEG")
    return buffer.getvalue()


def menu_number(code):
    """The number of a category on the SMS/WhatsApp menu."""
    return str([c.code for c in active_categories()].index(code) + 1)
