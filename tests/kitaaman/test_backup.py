"""Backup and restore round trip on PostgreSQL: `manage.py backup`, then
`manage.py restore` into a fresh database and an empty media folder, and the
restored portal has the same reports, the same photos (byte for byte) and the
same SPM figures. A damaged backup and an occupied target are refused."""

import hashlib
import io
import json
from contextlib import contextmanager

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image

from incidents.models import Incident, IncidentPhoto
from spm.calculations import achievements
from tests.factories import DESA_NIBUNG, DESA_RUPIT
from tests.figures import record
from tests.spm.conftest import at, make_spm_report


def _admin():
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", user=db["USER"], host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
        **({"password": db["PASSWORD"]} if db.get("PASSWORD") else {}),
    )  # fmt: skip
    conn.autocommit = True
    return conn


@pytest.fixture
def fresh_database(require_postgres):
    """An empty database beside the test database, dropped afterwards."""
    db = connection.settings_dict
    name = db["NAME"].removeprefix("test_") + "_pulih"
    admin = _admin()
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    yield name, f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    with admin.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@contextmanager
def database_named(name):
    """The default connection pointed at another database for a while."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def snapshot(media_root):
    reports = sorted(
        Incident.objects.values_list(
            "tracking_code", "status", "desa_id", "description", "reporter_name", "spm_must_serve", "spm_served"
        )
    )
    photos = []
    for photo in IncidentPhoto.objects.select_related("incident").order_by("id"):
        for name in (photo.image.name, photo.thumbnail.name):
            photos.append(
                (photo.incident.tracking_code, name, hashlib.sha256((media_root / name).read_bytes()).hexdigest())
            )
    figures = achievements(year=2026, quarter=1)
    spm = [(s["code"], s["must_serve"], s["served"], s["capaian"], s["by_kecamatan"]) for s in figures["services"]]
    return {"reports": reports, "photos": photos, "spm": spm}


def jpeg(color):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, format="JPEG")
    return SimpleUploadedFile("foto.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def portal_data(personas, client, settings):
    make_spm_report(personas, "ketertiban-umum", at(2026, 2, 2), must=20, served=15, status="selesai")
    make_spm_report(personas, "kebakaran-permukiman", at(2026, 3, 9), must=6, served=6, desa=DESA_NIBUNG)
    body = {"category": "bencana-banjir", "description": "Banjir dengan foto.", "desa": DESA_RUPIT, "consent": "true"}
    assert (
        client.post("/api/v1/reports/", {**body, "photos": [jpeg((200, 0, 0)), jpeg((0, 90, 200))]}).status_code == 201
    )
    return personas


@pytest.mark.django_db(transaction=True)
def test_restore_into_a_fresh_database_finds_the_same_portal(portal_data, fresh_database, settings, tmp_path):
    name, url = fresh_database
    media_root = settings.MEDIA_ROOT
    before = snapshot(media_root)
    assert len(before["reports"]) == 3 and len(before["photos"]) == 4 and any(s[1] for s in before["spm"])

    folder = tmp_path / "cadangan"
    call_command("backup", str(folder), stdout=io.StringIO())
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["counts"]["incidents.Incident"] == 3 and manifest["media"]["files"] == 4

    restored_media = tmp_path / "media-pulih"
    call_command("restore", str(folder), database_url=url, media_root=str(restored_media), stdout=io.StringIO())
    settings.MEDIA_ROOT = restored_media
    with database_named(name):
        after = snapshot(restored_media)
    assert after == before
    record(
        f"backup round trip: {len(after['reports'])} reports, {len(after['photos'])} photo files, "
        f"{len(after['spm'])} SPM services identical after restore into a fresh database"
    )


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_damaged_backup_or_an_occupied_target(portal_data, fresh_database, tmp_path):
    _name, url = fresh_database
    folder = tmp_path / "cadangan"
    call_command("backup", str(folder), stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds a backup"):
        call_command("backup", str(folder), stdout=io.StringIO())
    # The test database itself is occupied.
    own = url.rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match="already holds tables"):
        call_command("restore", str(folder), database_url=own, media_root=str(tmp_path / "m1"), stdout=io.StringIO())
    occupied = tmp_path / "m2"
    occupied.mkdir()
    (occupied / "lain.txt").write_text("x")
    call_command("restore", str(folder), database_url=url, media_root=str(tmp_path / "m3"), stdout=io.StringIO())
    with pytest.raises(CommandError, match="not empty"):
        call_command(
            "restore", str(folder), database_url=url, media_root=str(occupied), replace=False, stdout=io.StringIO()
        )
    dump = folder / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-10])
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(folder), database_url=url, media_root=str(tmp_path / "m4"), stdout=io.StringIO())


def test_sqlite_files_are_copied_with_the_online_backup(tmp_path):
    """A laptop's SQLite database: the online backup and the copy back."""
    import sqlite3

    from kitaaman.backup import database_dump, database_restore

    source = tmp_path / "db.sqlite3"
    with sqlite3.connect(source) as conn:
        conn.execute("CREATE TABLE laporan (kode TEXT)")
        conn.execute("INSERT INTO laporan VALUES ('KA-7K3M-9QX2P')")
    (tmp_path / "cadangan").mkdir()
    database_dump(
        tmp_path / "cadangan" / "database.dump", {"ENGINE": "django.db.backends.sqlite3", "NAME": str(source)}
    )
    database_restore(tmp_path / "cadangan", f"sqlite:///{tmp_path / 'pulih.sqlite3'}")
    with sqlite3.connect(tmp_path / "pulih.sqlite3") as conn:
        assert conn.execute("SELECT kode FROM laporan").fetchall() == [("KA-7K3M-9QX2P",)]
