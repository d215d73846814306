"""Fixtures of the Open311 tests: a partner key, public reports, and a local
image server on 127.0.0.1 standing in for the partner's media host."""

import io
import time
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from PIL import Image

from incidents.models import Status
from incidents.open311.services import open311_key_create
from incidents.workflow.services import incident_transition
from tests.fake_http import FakeHandler, fake_host


def jpeg_bytes(size=(64, 48), color="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


class ImageHandler(FakeHandler):
    def _send(self, status, body=b"", content_type="image/jpeg", headers=None):
        self.send(status, body, content_type, headers)

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
            self.drip(b"\xff" * 4096, self.server.big_bytes // 4096 + 2, headers={"Content-Type": "image/jpeg"})
        elif self.path == "/lambat.jpg":
            self.drip(b"\xff", 50, every=0.2, headers={"Content-Type": "image/jpeg"})
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
    with fake_host(ImageHandler, big_bytes=settings.MAX_PHOTO_BYTES + 1024) as server:
        yield server


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
