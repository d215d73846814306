"""The media store fails while a report with photos arrives: a full disk (a
real tmpfs of a few KB, mounted for the test) or a store that cannot be
written (a path through a regular file: refused even to root). The citizen
gets a clear answer (503 on the API, the form again with a message), and
nothing is half-saved: no report, no photo row, no event, no outbox message,
and no file left in the store."""

import io
import os
import shutil
import subprocess
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from incidents.models import Incident, IncidentEvent, IncidentPhoto
from kitaaman.models import OutboxMessage
from tests.conftest import missing_service
from tests.factories import DESA_RUPIT, RUPIT
from tests.figures import record

pytestmark = pytest.mark.django_db


def noisy_jpeg(seed: int) -> bytes:
    # Noise does not compress: each stored photo takes tens of KB.
    img = Image.frombytes("RGB", (320, 240), os.urandom(320 * 240 * 3) if seed else bytes(320 * 240 * 3))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=95)
    return out.getvalue()


def photos(n=3):
    return [SimpleUploadedFile(f"f{i}.jpg", noisy_jpeg(i + 1), content_type="image/jpeg") for i in range(n)]


def files_in(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()) if root.exists() else []


def nothing_saved():
    return (
        Incident.objects.count(),
        IncidentPhoto.objects.count(),
        IncidentEvent.objects.count(),
        OutboxMessage.objects.count(),
    ) == (0, 0, 0, 0)


@pytest.fixture
def full_disk(tmp_path, settings):
    """MEDIA_ROOT on a 96 KB tmpfs, filled but for 40 KB: the first photo fits, a later one does not."""
    if not shutil.which("mount"):
        missing_service("needs mount(8) for a small tmpfs")
    mount_point = tmp_path / "media-full"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=96k,mode=0755", "tmpfs", str(mount_point)], capture_output=True
    )
    if done.returncode != 0:
        missing_service(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        filler = mount_point / "pengisi.bin"
        filler.write_bytes(b"\0" * (56 * 1024))
        settings.MEDIA_ROOT = mount_point
        yield mount_point, {"pengisi.bin"}
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


@pytest.fixture
def unwritable_store(tmp_path, settings):
    blocker = tmp_path / "bukan-folder"
    blocker.write_text("a file where the media folder should be")
    settings.MEDIA_ROOT = blocker / "media"
    return blocker


def post_api(client, files):
    data = {"category": "bencana-banjir", "description": "Banjir.", "desa": DESA_RUPIT, "consent": "true"}
    return client.post("/api/v1/reports/", {**data, "photos": files})


def test_full_disk_on_the_api(client, full_disk):
    root, before = full_disk
    response = post_api(client, photos(3))
    assert response.status_code == 503
    body = response.json()["error"]
    assert body["code"] == "storage_unavailable" and "foto" in body["message"].lower()
    assert int(response["Retry-After"]) > 0
    assert nothing_saved()
    assert set(files_in(root)) == before, "a photo file was left behind"
    record(f"fault media full (api): answer 503, rows {Incident.objects.count()}, files left {len(files_in(root)) - 1}")


def test_full_disk_on_the_form_keeps_what_was_typed(client, full_disk):
    root, before = full_disk
    data = {
        "category": "bencana-banjir",
        "description": "Air Sungai Rupit meluap sejak subuh.",
        "kecamatan": RUPIT,
        "desa": DESA_RUPIT,
        "consent": "on",
        "client_uuid": str(uuid.uuid4()),
        "photos": photos(3),
    }
    response = client.post("/lapor/", data)
    assert response.status_code == 503
    html = response.content.decode()
    assert "Foto tidak dapat disimpan" in html
    assert "Air Sungai Rupit meluap sejak subuh." in html
    assert nothing_saved() and set(files_in(root)) == before


def test_the_same_report_without_photos_still_goes_through(client, full_disk):
    root, _before = full_disk
    assert post_api(client, photos(3)).status_code == 503
    response = post_api(client, [])
    assert response.status_code == 201
    assert Incident.objects.count() == 1 and IncidentPhoto.objects.count() == 0


def test_unwritable_store(client, unwritable_store):
    response = post_api(client, photos(2))
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "storage_unavailable"
    assert nothing_saved()
    assert unwritable_store.is_file()


def test_staff_entry_gets_the_same_clear_error(full_disk, personas):
    from rest_framework.test import APIClient

    root, before = full_disk
    client = APIClient()
    client.force_authenticate(personas.koordinator)
    # The staff API takes no photos; its report fits without the store, so it is saved.
    response = client.post(
        "/api/v1/incidents/",
        {"category": "bencana-banjir", "description": "Banjir.", "desa": DESA_RUPIT, "consent": True},
        format="json",
    )
    assert response.status_code == 201
    assert set(files_in(root)) == before
