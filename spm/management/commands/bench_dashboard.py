"""Server time of the SPM dashboard at scale, next to the same figures
computed from the reports table.

    DATABASE_URL=postgres://... python manage.py bench_dashboard --reports 1000000

Seeds synthetic reports with `seed_demo` when fewer exist (which rebuilds the
aggregates), runs ANALYZE, then prints the median time (ms) of the whole
dashboard page (test client, as pimpinan), of `achievements()` and
`report_figures()` alone, and of the report-based SPM figures and the report
total computed straight from the reports table; and checks both give the
same numbers.
"""

import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from incidents.models import OPEN_STATUSES, Incident
from incidents.staff.services import staff_user_create
from spm.calculations import achievements
from spm.models import StatDaily, StatMonthly, StatOpenDue
from spm.report_figures import achievements_from_raw, overdue_backlog, report_figures, report_total_from_raw


class Command(BaseCommand):
    help = "Ukur waktu server dasbor SPM pada skala besar, dibandingkan dengan hitungan langsung dari tabel laporan."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=1_000_000, help="Jumlah laporan minimal (bawaan 1.000.000).")
        parser.add_argument("--runs", type=int, default=9, help="Pengulangan per pengukuran (median).")
        parser.add_argument("--year", type=int, default=None, help="Tahun yang diukur (bawaan: tahun berjalan).")
        parser.add_argument("--allow-sqlite", action="store_true", help="Izinkan SQLite (angka tidak bermakna).")
        parser.add_argument("--no-seed", action="store_true", help="Jangan membuat laporan contoh.")

    def handle(self, *args, reports, runs, year, allow_sqlite, no_seed, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "Benchmark ini membutuhkan PostgreSQL (set DATABASE_URL=postgres://...). "
                "Gunakan --allow-sqlite untuk sekadar mencoba perintahnya."
            )
        self.runs = max(1, runs)
        existing = Incident.objects.count()
        if existing < reports and not no_seed:
            self.stdout.write(f"Membuat {reports - existing:,} laporan contoh dengan seed_demo ...".replace(",", "."))
            call_command("seed_demo", reports=reports - existing, seed=2026, stdout=self.stdout)
        if not StatMonthly.objects.exists() and Incident.objects.exists():
            call_command("rebuild_stats", stdout=self.stdout)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Fresh planner statistics for the tables read here; ANALYZE of
                # a big database may take longer than the statement timeout.
                cursor.execute("SET statement_timeout = 0")
                for model in (Incident, StatMonthly, StatOpenDue):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
                cursor.execute("RESET statement_timeout")
        today = timezone.localdate()
        year = year or today.year
        quarter = (today.month - 1) // 3 + 1
        total = Incident.objects.count()
        self.stdout.write(f"\nLaporan di basis data: {total:,}".replace(",", ".") + f"  ({connection.vendor})")
        self.stdout.write(
            f"Baris agregat: {StatMonthly.objects.count():,} bulanan, {StatDaily.objects.count():,} harian".replace(
                ",", "."
            )
        )
        self.stdout.write(f"Median dari {self.runs} kali, dalam milidetik.\n")

        user = staff_user_create(username="bench_pimpinan", role="pimpinan")
        client = Client()
        client.force_login(user)
        url = reverse("spm:dashboard")
        rows = []
        with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], SECURE_SSL_REDIRECT=False):
            for label, params in (
                (f"tahun {year}", {"year": year}),
                (f"triwulan {quarter} {year}", {"year": year, "quarter": quarter}),
            ):
                page_ms = self._median(lambda p=params: self._get(client, url, p))
                agg_ms = self._median(lambda p=params: (achievements(**p), report_figures(**p)))
                raw_ms = self._median(lambda p=params: (achievements_from_raw(**p), report_total_from_raw(**p)))
                same = self._same(params)
                rows.append((label, page_ms, agg_ms, raw_ms, same))
        width = max(len(r[0]) for r in rows)
        self.stdout.write(
            f"{'periode'.ljust(width)}  {'halaman dasbor':>14}  {'dari agregat':>12}  {'dari tabel laporan':>18}  angka"
        )
        for label, page_ms, agg_ms, raw_ms, same in rows:
            self.stdout.write(
                f"{label.ljust(width)}  {page_ms:14.1f}  {agg_ms:12.1f}  {raw_ms:18.1f}  {'sama' if same else 'BERBEDA'}"
            )
        worst = max(r[1] for r in rows)
        verdict = "memenuhi" if worst < 100 else "TIDAK memenuhi"
        self.stdout.write(f"\nTarget < 100 ms per halaman dasbor: {verdict} (terlama {worst:.1f} ms).")
        if not all(r[4] for r in rows):
            raise CommandError("Angka dari agregat berbeda dengan tabel laporan: jalankan rebuild_stats.")

    def _median(self, fn):
        fn()  # warm up
        times = []
        for _ in range(self.runs):
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        return statistics.median(times)

    def _get(self, client, url, params):
        response = client.get(url, params)
        if response.status_code != 200:
            raise CommandError(f"{url} {params}: HTTP {response.status_code}")
        return response

    def _same(self, params) -> bool:
        data = achievements(**params)
        raw = achievements_from_raw(**params)
        for code, figures in raw.items():
            service = next(s for s in data["services"] if s["code"] == code)
            if (service["must_serve"], service["served"]) != (figures["must_serve"], figures["served"]):
                self.stdout.write(f"  {code}: agregat {service['must_serve']}/{service['served']}, tabel {figures}")
                return False
        figures = report_figures(**params)
        raw_total = report_total_from_raw(**params)
        if figures["total"] != raw_total:
            self.stdout.write(f"  jumlah laporan: agregat {figures['total']}, tabel {raw_total}")
            return False
        now = timezone.now()
        overdue = overdue_backlog(now=now)["total"]
        raw_overdue = Incident.objects.filter(due_at__lt=now, status__in=OPEN_STATUSES).count()
        if overdue != raw_overdue:
            self.stdout.write(f"  melewati batas waktu: agregat {overdue}, tabel {raw_overdue}")
            return False
        return True
