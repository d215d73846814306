"""Backups of the two stores that hold state: the database and the media store.

A backup is a folder with three files:

    database.dump     PostgreSQL: `pg_dump --format=custom`; SQLite: a copy made
                      with SQLite's online backup (safe while the portal runs)
    media.tar.gz      every file under MEDIA_ROOT (photos, SPM evidence,
                      summaries, exports), paths relative to it
    manifest.json     when, from what, SHA-256 of both files, and row counts
                      (reports, photos, events, SPM figures) to check a restore

Every file is written readable by its owner only (mode 0600, the folder 0700):
a backup holds every reporter's name, phone and e-mail. Backups expire:
`backups_prune` removes the backups in a folder older than
BACKUP_RETENTION_DAYS, so data erased on a reporter's request is gone from
the backups within that many days (the backup command prunes after writing).

A restore checks both checksums first, refuses a target database that already
holds tables or a non-empty media folder (unless told to replace them), then
`pg_restore`s (or copies) the database and unpacks the media. Restoring into a
fresh database is how a backup is proven: tests/kitaaman/test_backup.py.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dj_database_url
from django.apps import apps
from django.conf import settings
from django.db import connection

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"
COUNTED = (
    "incidents.Incident",
    "incidents.IncidentPhoto",
    "incidents.IncidentEvent",
    "incidents.AuditLog",
    "spm.StatDaily",
    "spm.StatMonthly",
    "spm.Target",
    "spm.Activity",
)


class BackupError(Exception):
    pass


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def row_counts(using: str = "default") -> dict:
    counts = {}
    for label in COUNTED:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        counts[label] = model.objects.using(using).count()
    return counts


def _pg_args(db: dict) -> tuple[list[str], dict]:
    args = ["-h", db.get("HOST") or "127.0.0.1", "-p", str(db.get("PORT") or 5432), "-U", db.get("USER") or "postgres"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} not found (Debian: apt-get install postgresql-client)")
    done = subprocess.run([tool, *command[1:]], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def database_dump(target: Path, db: dict | None = None) -> None:
    db = db or connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        args, env = _pg_args(db)
        _run(["pg_dump", *args, "--format=custom", "--no-owner", "--no-privileges", "-f", str(target), db["NAME"]], env)
    elif db["ENGINE"] == "django.db.backends.sqlite3":
        source = sqlite3.connect(db["NAME"])
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
    else:
        raise BackupError(f"no backup for {db['ENGINE']}")


def media_archive(target: Path, media_root: Path | None = None) -> int:
    root = Path(media_root or settings.MEDIA_ROOT)
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if root.exists():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(root)))
                    count += 1
    return count


def _private(path: Path) -> None:
    """Readable by the owner only, whatever wrote it (pg_dump, the umask)."""
    path.chmod(0o700 if path.is_dir() else 0o600)


def backup_create(folder: Path) -> dict:
    """Write a backup into `folder` (created; must not hold a backup already)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    _private(folder)
    if (folder / MANIFEST).exists():
        raise BackupError(f"{folder} already holds a backup")
    previous = os.umask(0o077)
    try:
        _write_parts(folder)
    finally:
        os.umask(previous)
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def _write_parts(folder: Path) -> None:
    for name in (DUMP, MEDIA):
        # Created empty and private first: pg_dump writes into it, never world-readable.
        (folder / name).touch(mode=0o600)
        _private(folder / name)
    database_dump(folder / DUMP)
    files = media_archive(folder / MEDIA)
    manifest = {
        "created": datetime.now(UTC).isoformat(),
        "engine": connection.vendor,
        "database": {"file": DUMP, "sha256": sha256(folder / DUMP)},
        "media": {"file": MEDIA, "sha256": sha256(folder / MEDIA), "files": files},
        "counts": row_counts(),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    for name in (DUMP, MEDIA, MANIFEST):
        _private(folder / name)


def _created(folder: Path) -> datetime | None:
    try:
        created = datetime.fromisoformat(json.loads((folder / MANIFEST).read_text(encoding="utf-8"))["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return created if created.tzinfo else created.replace(tzinfo=UTC)


def backups_prune(root: Path, *, days: int | None = None, now: datetime | None = None) -> list[Path]:
    """Remove the backups directly under `root` created more than `days`
    (BACKUP_RETENTION_DAYS) ago. Only folders holding a readable manifest are
    touched; anything else in `root` is left alone. Returns what was removed."""
    days = settings.BACKUP_RETENTION_DAYS if days is None else days
    root = Path(root)
    if days <= 0 or not root.is_dir():
        return []
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    removed = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.is_symlink()):
        created = _created(folder)
        if created is not None and created < cutoff:
            shutil.rmtree(folder)
            removed.append(folder)
    return removed


def manifest_read(folder: Path) -> dict:
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"no readable {MANIFEST} in {folder}: {exc}")
    for part in ("database", "media"):
        path = folder / manifest[part]["file"]
        if not path.is_file() or sha256(path) != manifest[part]["sha256"]:
            raise BackupError(f"{path} is missing or damaged (checksum differs from the manifest)")
    return manifest


def _pg_has_tables(db: dict) -> bool:
    import psycopg2

    params = {"dbname": db["NAME"], "user": db.get("USER") or "postgres", "host": db.get("HOST") or "127.0.0.1"}
    params.update({"port": db.get("PORT") or 5432, **({"password": db["PASSWORD"]} if db.get("PASSWORD") else {})})
    conn = psycopg2.connect(**params)
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
            return cur.fetchone()[0] > 0
    finally:
        conn.close()


def _target_problems(database_url: str, media_root: Path) -> list[str]:
    """What is already in the way, checked before anything is restored."""
    problems = []
    db = dj_database_url.parse(database_url)
    if db["ENGINE"] == "django.db.backends.postgresql" and _pg_has_tables(db):
        problems.append(f"database {db['NAME']} already holds tables")
    elif db["ENGINE"] == "django.db.backends.sqlite3":
        target = Path(db["NAME"])
        if target.exists() and target.stat().st_size:
            problems.append(f"{target} already exists")
    root = Path(media_root)
    if root.exists() and any(root.iterdir()):
        problems.append(f"{root} is not empty")
    return problems


def database_restore(folder: Path, database_url: str, *, replace: bool = False) -> None:
    db = dj_database_url.parse(database_url)
    dump = Path(folder) / DUMP
    if db["ENGINE"] == "django.db.backends.postgresql":
        args, env = _pg_args(db)
        options = ["--clean", "--if-exists"] if replace else ["--single-transaction"]
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                *options,
                "-d",
                db["NAME"],
                str(dump),
            ],
            env,
        )
    elif db["ENGINE"] == "django.db.backends.sqlite3":
        shutil.copyfile(dump, Path(db["NAME"]))
    else:
        raise BackupError(f"no restore for {db['ENGINE']}")


def media_restore(folder: Path, media_root: Path, *, replace: bool = False) -> int:
    root = Path(media_root)
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(Path(folder) / MEDIA, "r:gz") as archive:
        members = archive.getmembers()
        # "data" refuses absolute paths, links out of the folder and device files.
        archive.extractall(root, filter="data")
    return sum(1 for m in members if m.isfile())


def backup_restore(folder: Path, *, database_url: str, media_root: Path, replace: bool = False) -> dict:
    manifest = manifest_read(folder)
    problems = [] if replace else _target_problems(database_url, media_root)
    if problems:
        raise BackupError("; ".join(problems) + " (use --replace to overwrite)")
    database_restore(folder, database_url, replace=replace)
    files = media_restore(folder, media_root, replace=replace)
    if files != manifest["media"]["files"]:
        raise BackupError(f"{files} media files restored, the manifest lists {manifest['media']['files']}")
    return manifest
