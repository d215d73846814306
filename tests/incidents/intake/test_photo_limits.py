"""Photos a hostile visitor sends: a tiny PNG that decodes to gigabytes, and
JPEG comment segments that would ride along into the stored files."""

import io
import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from incidents.intake.photos import _draft_size, clean_photo
from incidents.models import Incident, IncidentPhoto
from tests.factories import DESA_RUPIT

pytestmark = pytest.mark.django_db


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def blank_png(width: int, height: int) -> bytes:
    """A real, complete 1-bit PNG of width x height that compresses to a few KB
    (made by hand: Pillow would need the whole image in memory to write it)."""
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", body) + _chunk(b"IEND", b"")


def test_a_small_file_of_144_megapixels_is_refused_before_decoding(settings):
    raw = blank_png(12_000, 12_000)
    assert len(raw) < 200_000
    started = time.monotonic()
    with pytest.raises(ValidationError) as exc:
        clean_photo(SimpleUploadedFile("peta.png", raw, content_type="image/png"))
    assert time.monotonic() - started < 1.0
    assert "megapiksel" in str(exc.value)


def test_the_pixel_cap_is_a_setting(settings):
    raw = blank_png(3000, 2000)
    settings.MAX_PHOTO_PIXELS_FULL_DECODE = 5_000_000
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("a.png", raw))
    settings.MAX_PHOTO_PIXELS_FULL_DECODE = 6_000_000
    assert clean_photo(SimpleUploadedFile("a.png", raw)).content_type == "image/jpeg"


def test_five_huge_photos_in_one_request_save_nothing_and_answer_quickly(client):
    raw = blank_png(12_000, 12_000)
    files = [SimpleUploadedFile(f"f{i}.png", raw, content_type="image/png") for i in range(5)]
    data = {"category": "bencana-banjir", "description": "Banjir.", "desa": DESA_RUPIT, "consent": "true"}
    started = time.monotonic()
    response = client.post("/api/v1/reports/", {**data, "photos": files})
    assert time.monotonic() - started < 3.0
    assert response.status_code == 400
    assert len(response.json()["error"]["fields"]["photos"]) == 5
    assert Incident.objects.count() == 0 and IncidentPhoto.objects.count() == 0


def jpeg(size, **save):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="JPEG", quality=50, **save)
    return out.getvalue()


def test_a_large_camera_jpeg_is_decoded_at_a_reduced_scale(settings):
    # 27 megapixels from a phone camera: accepted, decoded at half scale, stored 2,560 px wide.
    raw = jpeg((6000, 4500))
    with Image.open(io.BytesIO(raw)) as probe:
        probe.draft("RGB", _draft_size(probe.size))
        assert probe.size == (3000, 2250)
    clean = clean_photo(SimpleUploadedFile("kamera.jpg", raw))
    assert max(Image.open(clean.image).size) == 2560


def test_what_must_be_decoded_whole_has_a_lower_cap(settings):
    settings.MAX_PHOTO_PIXELS_FULL_DECODE = 4_000_000
    baseline, progressive = jpeg((3000, 2000)), jpeg((3000, 2000), progressive=True)
    assert clean_photo(SimpleUploadedFile("biasa.jpg", baseline)).content_type == "image/jpeg"
    with pytest.raises(ValidationError) as exc:
        clean_photo(SimpleUploadedFile("progresif.jpg", progressive))
    assert "paling besar 4 megapiksel" in str(exc.value)
    with pytest.raises(ValidationError):
        clean_photo(SimpleUploadedFile("layar.png", blank_png(3000, 2000)))


def jpeg_with_comment(comment: bytes) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, format="JPEG", comment=comment)
    data = out.getvalue()
    assert comment in data
    return data


def test_jpeg_comments_do_not_survive_reencoding():
    script = b"<script>alert(document.cookie)</script>"
    clean = clean_photo(SimpleUploadedFile("komentar.jpg", jpeg_with_comment(script)))
    for stored in (clean.image.read(), clean.thumbnail.read()):
        assert script not in stored and b"<script" not in stored
        assert b"\xff\xfe" not in stored  # no COM segment at all
        assert "comment" not in Image.open(io.BytesIO(stored)).info


def test_jpeg_comments_do_not_reach_the_stored_files(client, settings):
    script = b"<script>alert(1)</script>"
    data = {"category": "bencana-banjir", "description": "Banjir.", "desa": DESA_RUPIT, "consent": "true"}
    response = client.post(
        "/api/v1/reports/", {**data, "photos": [SimpleUploadedFile("k.jpg", jpeg_with_comment(script))]}
    )
    assert response.status_code == 201
    photo = IncidentPhoto.objects.get()
    for field in (photo.image, photo.thumbnail):
        with field.open("rb") as fh:
            assert script not in fh.read()
