"""Production serves hashed, compressed, long-cached static files by default;
pages and JSON leave compressed; files that are compressed already do not."""

import gzip
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.kitaaman.test_settings import PRODUCTION, settings_in

MANIFEST = "whitenoise.storage.CompressedManifestStaticFilesStorage"
PLAIN = "django.contrib.staticfiles.storage.StaticFilesStorage"
CODE = "[s.STATIC_MANIFEST, s.STORAGES['staticfiles']['BACKEND'], s.WHITENOISE_USE_FINDERS]"


def test_production_serves_the_collected_hashed_compressed_files_by_default():
    assert settings_in(PRODUCTION, CODE) == [True, MANIFEST, False]


def test_a_developer_machine_serves_the_sources():
    assert settings_in({"DEBUG": "1"}, CODE) == [False, PLAIN, True]


def test_the_manifest_can_be_turned_off_explicitly():
    assert settings_in({**PRODUCTION, "STATIC_MANIFEST": "0"}, CODE) == [False, PLAIN, True]


def test_brotli_is_installed_so_collectstatic_writes_br_files():
    from whitenoise.compress import Compressor

    assert Compressor(use_brotli=True).use_brotli


@pytest.mark.django_db
def test_pages_and_json_are_compressed_for_browsers_that_accept_it(client):
    page = client.get("/lapor/", headers={"accept-encoding": "gzip, br"})
    assert page["Content-Encoding"] == "gzip"
    assert b"Lapor kejadian" in gzip.decompress(page.content)
    assert "Accept-Encoding" in page["Vary"]
    api = client.get("/api/v1/categories/", headers={"accept-encoding": "gzip"})
    assert api["Content-Encoding"] == "gzip"
    plain = client.get("/lapor/")
    assert not plain.has_header("Content-Encoding")


@pytest.mark.django_db
def test_photos_are_not_compressed_again(client, personas, make_incident):
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), "green").save(buffer, "JPEG")
    incident = make_incident(photos=[SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")])
    photo = incident.photos.get()
    client.force_login(personas.koordinator)
    response = client.get(f"/petugas/laporan/{incident.pk}/foto/{photo.pk}/", headers={"accept-encoding": "gzip"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "image/jpeg"
    assert not response.has_header("Content-Encoding")
