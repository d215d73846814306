import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from incidents.demo.generator import DemoGenerator, ensure_demo_users
from incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Buat laporan contoh (sintetis) selama 24 bulan terakhir beserta akun demo per peran, "
        "lalu cetak daftar login demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=400, help="Jumlah laporan contoh (bawaan 400).")
        parser.add_argument("--seed", type=int, default=None, help="Benih acak agar hasil dapat diulang.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Jangan membuat laporan bila sudah ada laporan di basis data."
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Baris per sisipan massal.")

    def handle(self, *args, reports, seed, if_empty, batch_size, **options):
        if reports < 0:
            raise CommandError("--reports tidak boleh negatif.")
        if batch_size < 1:
            raise CommandError("--batch-size harus lebih dari 0.")
        # Existing demo accounts keep a password someone may have changed.
        logins = ensure_demo_users(reset_passwords=not if_empty)
        if if_empty and Incident.objects.exists():
            self.stdout.write("Sudah ada laporan; laporan contoh tidak dibuat (--if-empty).")
        elif reports:
            started = time.monotonic()
            generator = DemoGenerator(seed=seed)
            verbosity = options.get("verbosity", 1)

            def progress(stats):
                if verbosity >= 2 or (verbosity >= 1 and stats.reports % 100_000 == 0):
                    rate = stats.reports / max(time.monotonic() - started, 0.001)
                    self.stdout.write(f"  {stats.reports:,} laporan ({rate:,.0f}/detik)".replace(",", "."))

            stats = generator.run(reports, batch_size=batch_size, progress=progress)
            elapsed = time.monotonic() - started
            summary = ", ".join(f"{k} {v}" for k, v in sorted(stats.by_status.items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f"{stats.reports} laporan, {stats.events} riwayat, {stats.assignments} penugasan dibuat "
                    f"dalam {elapsed:.1f} detik ({summary})."
                )
            )
            if "rebuild_stats" in get_commands():
                call_command("rebuild_stats", stdout=self.stdout, stderr=self.stderr)
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Login demo (hanya untuk demo, jangan dipakai di produksi):"))
        width = max(len(u) for u, _, _ in logins)
        for username, role, password in logins:
            self.stdout.write(f"  {username.ljust(width)}  {role.ljust(12)}  {password}")
