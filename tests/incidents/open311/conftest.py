"""Fixtures of the Open311 tests: a partner key, public reports, and a local
image server on 127.0.0.1 standing in for the partner's media host."""

import io
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import translation
from PIL import Image

from incidents.models import Status
from incidents.open311.services import open311_key_create
from incidents.workflow.services import incident_transition


def jpeg_bytes(size=(64, 48), color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


class ImageHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body=b"", content_type="image/jpeg", headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path == "/foto.jpg":
            self._send(200, jpeg_bytes())
        elif self.path == "/script.jpg":
            # A JPEG with a script appended: re-encoded, the script is gone.
            self._send(200, jpeg_bytes() + b"<?php system($_GET['c']); ?>")
        elif self.path == "/teks.jpg":
            self._send(200, b"bukan foto sama sekali", "text/plain")
        elif self.path == "/besar.jpg":
            self._send(200, b"\xff" * (self.server.big_bytes))
        elif self.path == "/tanpa-panjang.jpg":
            # No Content-Length: the cap must hold while streaming.
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            for _ in range(self.server.big_bytes // 4096 + 2):
                try:
                    self.wfile.write(b"\xff" * 4096)
                except OSError:
                    return
        elif self.path == "/lambat.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.end_headers()
            for _ in range(50):
                try:
                    self.wfile.write(b"\xff")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.2)
        elif self.path == "/lambat-foto.jpg":
            # A sound photo from a slow host: answered after two seconds.
            time.sleep(2.0)
            self._send(200, jpeg_bytes())
        elif self.path == "/ke-foto":
            self._send(302, headers={"Location": "/foto.jpg"})
        elif self.path == "/ke-file":
            self._send(302, headers={"Location": "file:///etc/passwd"})
        elif self.path == "/berputar":
            self._send(302, headers={"Location": "/berputar"})
        else:
            self._send(404, b"tidak ada", "text/plain")


@pytest.fixture(autouse=True)
def _bahasa_indonesia():
    # Services called directly speak the active language; another test may have left English on.
    with translation.override("id"):
        yield


@pytest.fixture
def image_server(settings):
    settings.OPEN311_MEDIA_ALLOW_PRIVATE = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), ImageHandler)
    server.daemon_threads = True
    server.hits = []
    server.big_bytes = settings.MAX_PHOTO_BYTES + 1024
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def partner(db):
    key, raw = open311_key_create(application_name="Lapor Muratara App")
    key.raw = raw
    return key


def make_public(incident, actor, *, note=""):
    incident_transition(incident=incident, actor=actor, to=Status.DIVERIFIKASI, note=note, public=bool(note))
    incident.refresh_from_db()
    return incident


def xml_root(response):
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)


def json_body(response):
    assert response["Content-Type"].startswith("application/json")
    return response.json()
