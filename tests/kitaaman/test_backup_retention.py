"""Backups hold every reporter's identity: they are readable by their owner
only (0600, folder 0700) and expire after BACKUP_RETENTION_DAYS, so data
erased on request leaves the backups within that many days."""

import io
import json
import os
import stat
from datetime import UTC, datetime, timedelta

from django.core.management import call_command

from kitaaman.backup import DUMP, MANIFEST, MEDIA, backups_prune


def mode(path):
    return stat.S_IMODE(path.stat().st_mode)


def fake_backup(root, name, *, age_days, now):
    folder = root / name
    folder.mkdir(parents=True)
    created = (now - timedelta(days=age_days)).isoformat()
    (folder / MANIFEST).write_text(json.dumps({"created": created}), encoding="utf-8")
    (folder / DUMP).write_bytes(b"dump")
    return folder


def test_backups_older_than_the_retention_are_removed_and_nothing_else(tmp_path, settings):
    settings.BACKUP_RETENTION_DAYS = 14
    now = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
    old = fake_backup(tmp_path, "2026-11-20", age_days=15, now=now)
    edge = fake_backup(tmp_path, "2026-11-21", age_days=13.9, now=now)
    recent = fake_backup(tmp_path, "2026-12-04", age_days=1, now=now)
    unrelated = tmp_path / "catatan"
    unrelated.mkdir()
    (unrelated / "baca.txt").write_text("bukan cadangan")
    broken = tmp_path / "rusak"
    broken.mkdir()
    (broken / MANIFEST).write_text("{not json")
    os.utime(broken / MANIFEST, (0, 0))  # an ancient file, but not a readable backup: left alone
    assert backups_prune(tmp_path, now=now) == [old]
    assert not old.exists() and edge.exists() and recent.exists() and unrelated.exists() and broken.exists()
    # 0 keeps everything.
    assert backups_prune(tmp_path, days=0, now=now + timedelta(days=400)) == []
    assert edge.exists()


def test_a_backup_is_private_and_the_command_expires_old_ones(require_postgres, db, tmp_path, settings):
    settings.BACKUP_RETENTION_DAYS = 14
    store = tmp_path / "cadangan"
    old = fake_backup(store, "2026-01-01", age_days=30, now=datetime.now(UTC))
    previous = os.umask(0o022)  # a usual umask: files would be 0644
    try:
        out = io.StringIO()
        call_command("backup", str(store / "hari-ini"), stdout=out)
    finally:
        os.umask(previous)
    folder = store / "hari-ini"
    assert mode(folder) == 0o700
    assert [mode(folder / name) for name in (DUMP, MEDIA, MANIFEST)] == [0o600, 0o600, 0o600]
    assert not old.exists() and "kedaluwarsa dihapus" in out.getvalue()
    assert os.umask(0o022) == 0o022, "the process umask is restored"


def test_the_retention_can_be_overridden_per_run(require_postgres, db, tmp_path):
    store = tmp_path / "cadangan"
    old = fake_backup(store, "lama", age_days=30, now=datetime.now(UTC))
    call_command("backup", str(store / "baru"), keep_days=0, stdout=io.StringIO())
    assert old.exists()
    call_command("backup", str(store / "baru-2"), keep_days=7, stdout=io.StringIO())
    assert not old.exists() and (store / "baru").exists()


def test_the_readme_says_how_long_a_backup_holds_erased_data(settings):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert "| `BACKUP_RETENTION_DAYS` | `14` |" in readme
    assert "stays in backups for at most" in readme
