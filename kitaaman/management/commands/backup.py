"""python manage.py backup /srv/cadangan/2026-11-30

Writes database.dump, media.tar.gz and manifest.json into the folder (see
kitaaman/backup.py), readable by their owner only. Run it from cron on a
machine that can reach the database and the media store, into a folder per
run under one backup store (/srv/cadangan/<date>). It then removes the
backups in that store older than BACKUP_RETENTION_DAYS (--keep-days), so a
reporter's erased data leaves the backups within that many days. Copies kept
elsewhere must expire the same way.
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from kitaaman.backup import backup_create, backups_prune
from kitaaman.commands import backup_run


class Command(BaseCommand):
    help = "Cadangkan basis data dan penyimpanan media ke satu folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder tujuan (dibuat bila belum ada; tidak boleh berisi cadangan lain).")
        parser.add_argument(
            "--keep-days",
            type=int,
            default=None,
            help="Hapus cadangan di folder induk yang lebih tua dari sekian hari "
            "(bawaan: BACKUP_RETENTION_DAYS; 0 = jangan hapus).",
        )

    def handle(self, *args, folder, keep_days=None, **options):
        manifest = backup_run(backup_create, Path(folder))
        counts = manifest["counts"]
        self.stdout.write(
            f"Cadangan {folder}: {counts.get('incidents.Incident', 0)} laporan, "
            f"{counts.get('incidents.IncidentPhoto', 0)} foto, {manifest['media']['files']} berkas media."
        )
        for old in backups_prune(Path(folder).resolve().parent, days=keep_days):
            self.stdout.write(f"Cadangan kedaluwarsa dihapus: {old}")
