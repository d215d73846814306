"""python manage.py backup /srv/cadangan/2026-11-30

Writes database.dump, media.tar.gz and manifest.json into the folder (see
kitaaman/backup.py). Run it from cron on a machine that can reach the
database and the media store; copy the folder off the machine.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from kitaaman.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Cadangkan basis data dan penyimpanan media ke satu folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="Folder tujuan (dibuat bila belum ada; tidak boleh berisi cadangan lain).")

    def handle(self, *args, folder, **options):
        try:
            manifest = backup_create(Path(folder))
        except BackupError as exc:
            raise CommandError(str(exc))
        counts = manifest["counts"]
        self.stdout.write(
            f"Cadangan {folder}: {counts.get('incidents.Incident', 0)} laporan, "
            f"{counts.get('incidents.IncidentPhoto', 0)} foto, {manifest['media']['files']} berkas media."
        )
