"""Photo intake: recognised by content, fully decoded, re-encoded without EXIF/GPS,
bombs and oversize files refused, server-generated names, and a bad photo saves nothing."""

import io
import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from incidents.intake.photos import clean_photo
from incidents.models import Incident, IncidentEvent, IncidentPhoto
from tests.factories import DESA_RUPIT

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/"
STORED_NAME = re.compile(r"laporan/\d{4}/\d{2}/[0-9a-f]{32}\.jpg")


def image_bytes(fmt, size=(120, 90), mode="RGB", **save):
    img = Image.new(mode, size, (180, 40, 40) if mode == "RGB" else 0)
    # Some texture, so that a truncated file really misses image data.
    for x in range(0, size[0], 3):
        for y in range(0, size[1], 2):
            img.putpixel((x, y), (x * 7 % 255, y * 13 % 255, (x + y) % 255) if mode == "RGB" else (x + y) % 255)
    out = io.BytesIO()
    img.save(out, format=fmt, **save)
    return out.getvalue()


def upload(content, name="foto.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def submit(client, *files):
    data = {
        "category": "bencana-banjir",
        "description": "Air masuk rumah.",
        "desa": DESA_RUPIT,
        "consent": "true",
        "reporter_name": "Siti Aminah",
        "photos": list(files),
    }
    return client.post(URL, data)


def media_files():
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def assert_nothing_saved():
    assert Incident.objects.count() == 0
    assert IncidentPhoto.objects.count() == 0
    assert IncidentEvent.objects.count() == 0
    assert media_files() == []


def gps_jpeg():
    img = Image.new("RGB", (80, 60), (10, 120, 30))
    exif = img.getexif()
    exif[ExifTags.Base.Make] = "KameraRahasia"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (2.0, 43.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (102.0, 53.0, 40.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


# --- accepted ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fmt,name", [("JPEG", "a.jpg"), ("PNG", "a.png"), ("WEBP", "a.webp"), ("PNG", "ternyata-png.jpg")]
)
def test_jpeg_png_webp_are_recognised_by_content(client, fmt, name):
    response = submit(client, upload(image_bytes(fmt), name=name))
    assert response.status_code == 201, response.content
    photo = IncidentPhoto.objects.get()
    assert photo.content_type == "image/jpeg"
    with photo.image.open("rb") as f:
        assert Image.open(f).format == "JPEG"


def test_stored_under_server_names_with_a_thumbnail(client):
    response = submit(client, upload(image_bytes("JPEG", size=(1600, 1200)), name="../../etc/rumah saya.php.jpg"))
    assert response.status_code == 201, response.content
    photo = IncidentPhoto.objects.get()
    assert STORED_NAME.fullmatch(photo.image.name), photo.image.name
    assert STORED_NAME.fullmatch(photo.thumbnail.name), photo.thumbnail.name
    assert photo.image.name != photo.thumbnail.name
    assert "rumah" not in photo.image.name and "php" not in photo.image.name
    assert (photo.width, photo.height) == (1600, 1200)
    with photo.thumbnail.open("rb") as f:
        thumb = Image.open(f)
        assert max(thumb.size) <= 320
    assert photo.size == photo.image.size


def test_exif_and_gps_are_removed():
    raw = gps_jpeg()
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the test file really has GPS
    clean = clean_photo(upload(raw))
    stored = clean.image.read()
    with Image.open(io.BytesIO(stored)) as img:
        assert "exif" not in img.info
        assert not img.getexif()
        assert not img.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert b"KameraRahasia" not in stored and b"Exif" not in stored


def test_exif_orientation_is_applied_before_it_is_dropped():
    img = Image.new("RGB", (100, 50), (1, 2, 3))
    exif = img.getexif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90 degrees on display
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    clean = clean_photo(upload(out.getvalue()))
    with Image.open(io.BytesIO(clean.image.read())) as stored:
        assert stored.size == (50, 100)


def test_palette_png_with_transparency_and_cmyk_jpeg_are_accepted():
    palette = Image.new("P", (40, 40))
    palette.info["transparency"] = 0
    out = io.BytesIO()
    palette.save(out, format="PNG")
    assert clean_photo(upload(out.getvalue(), name="p.png")).content_type == "image/jpeg"
    out = io.BytesIO()
    Image.new("CMYK", (40, 40), (0, 50, 100, 0)).save(out, format="JPEG")
    assert clean_photo(upload(out.getvalue())).size > 0


def test_a_script_appended_to_a_jpeg_is_not_stored(client):
    raw = image_bytes("JPEG") + b"<?php system($_GET['c']); ?>"
    response = submit(client, upload(raw, name="shell.php.jpg"))
    assert response.status_code == 201, response.content
    photo = IncidentPhoto.objects.get()
    with photo.image.open("rb") as f:
        stored = f.read()
    assert b"<?php" not in stored and b"system(" not in stored
    for path in media_files():
        assert b"<?php" not in path.read_bytes()


# --- refused ----------------------------------------------------------------------------------------


def refused(client, *files, expect=None):
    response = submit(client, *files)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert "photos" in error["fields"]
    if expect:
        assert any(expect in message for message in error["fields"]["photos"]), error["fields"]["photos"]
    assert_nothing_saved()
    return error


def test_gif_named_jpg_is_refused(client):
    refused(client, upload(image_bytes("GIF", mode="L"), name="foto.jpg"), expect="bukan JPEG, PNG, atau WebP")


def test_text_file_named_jpg_is_refused(client):
    refused(client, upload(b"ini bukan foto, hanya teks biasa\n" * 20, name="foto.jpg"), expect="bukan foto yang utuh")


def test_truncated_jpeg_is_refused(client):
    raw = image_bytes("JPEG", size=(400, 300), quality=95)
    refused(client, upload(raw[: len(raw) // 2]), expect="bukan foto yang utuh")


def test_decompression_bomb_is_refused(client, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    refused(client, upload(image_bytes("PNG", size=(200, 200)), name="bom.png"), expect="terlalu besar dimensinya")


def test_file_over_ten_megabytes_is_refused(client):
    assert settings.MAX_PHOTO_BYTES == 10 * 1024 * 1024
    big = image_bytes("JPEG") + b"\0" * (10 * 1024 * 1024)
    refused(client, upload(big, name="besar.jpg"), expect="terlalu besar (maksimal 10 MB)")


def test_one_bad_photo_among_good_ones_saves_nothing(client):
    refused(
        client,
        upload(image_bytes("JPEG"), name="1.jpg"),
        upload(image_bytes("PNG"), name="2.png"),
        upload(b"GIF89a" + b"\0" * 100, name="3.jpg"),
    )


def test_more_than_five_photos_is_refused(client):
    files = [upload(image_bytes("JPEG"), name=f"{i}.jpg") for i in range(6)]
    response = submit(client, *files)
    assert response.status_code == 400
    assert "photos" in response.json()["error"]["fields"]
    assert_nothing_saved()


def test_empty_file_is_refused(client):
    response = submit(client, upload(b"", name="kosong.jpg"))
    assert response.status_code == 400
    assert "photos" in response.json()["error"]["fields"]
    assert_nothing_saved()
