"""python manage.py restore /srv/cadangan/2026-11-30 \
       --database-url postgres://kitaaman@db/kitaaman_baru --media-root /srv/media-baru

Checks the backup's checksums, then restores the database (pg_restore into an
existing, empty database: create it first with `createdb`) and unpacks the
media. Refuses a target that already holds data unless --replace is given.
Point DATABASE_URL and MEDIA_ROOT at the restored copies afterwards and run
`python manage.py migrate` (a no-op unless the code is newer than the backup).
"""

from pathlib import Path

from django.core.management.base import BaseCommand

from kitaaman.backup import backup_restore
from kitaaman.commands import backup_run


class Command(BaseCommand):
    help = "Pulihkan basis data dan media dari folder cadangan."

    def add_arguments(self, parser):
        parser.add_argument("folder")
        parser.add_argument("--database-url", required=True, help="Basis data tujuan (sudah dibuat, kosong).")
        parser.add_argument("--media-root", required=True, help="Folder media tujuan (kosong).")
        parser.add_argument("--replace", action="store_true", help="Timpa tujuan yang sudah berisi data.")

    def handle(self, *args, folder, database_url, media_root, replace, **options):
        manifest = backup_run(
            backup_restore, Path(folder), database_url=database_url, media_root=Path(media_root), replace=replace
        )
        counts = manifest["counts"]
        self.stdout.write(
            f"Dipulihkan dari cadangan {manifest['created']}: {counts.get('incidents.Incident', 0)} laporan, "
            f"{manifest['media']['files']} berkas media."
        )
