import time

from django.core.management.base import BaseCommand

from spm.rollup import rebuild_stats


class Command(BaseCommand):
    help = "Hitung ulang semua agregat laporan SPM dari tabel laporan. Aman dijalankan ulang."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=5000, help="Baris per sisipan massal.")

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()
        verbosity = options.get("verbosity", 1)

        def progress(month_start, totals):
            if verbosity > 1:
                self.stdout.write(f"  {month_start:%Y-%m}: {totals['reports']} laporan")

        totals = rebuild_stats(batch_size=batch_size, progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Agregat dibangun ulang: {totals['reports']} laporan, {totals['daily']} baris harian, "
                f"{totals['monthly']} baris bulanan ({time.monotonic() - started:.1f} detik)."
            )
        )
