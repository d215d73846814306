"""Server time of the SPM dashboard at scale, next to the same figures
computed from the reports table.

    DATABASE_URL=postgres://... python manage.py collectstatic --noinput -v0
    DATABASE_URL=postgres://... python manage.py bench_dashboard --reports 1000000

(`make bench-dashboard` runs both.) Seeds synthetic reports with `seed_demo`
when fewer exist (which rebuilds the aggregates), runs ANALYZE, then prints the
median time (ms) of the whole /dasbor/ page (test client, as pimpinan) for a
quarter, a year and a kecamatan's quarter; of `period_figures()` (every figure
of the period); of the aggregates alone (`achievements()` + `report_counts()`);
and of the report-based SPM figures and the report total straight from the
reports table, and checks that both give the same numbers.

Then, inside a transaction that is rolled back at the end, it fills the daily
aggregate table as a busy year would: a row for every desa x category x
status x day of the year measured (about 89 x 11 x 6 x 365 = 2.1 million rows),
rebuilds the monthly table of those days from it, and measures the same pages
again. `--profile` prints the slowest queries of each page.
"""

import time
from datetime import date, timedelta

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Sum
from django.db.models.functions import TruncMonth
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from incidents.models import OPEN_STATUSES, Category, Desa, Incident, Kecamatan, Status
from incidents.staff.services import staff_user_create
from kitaaman.timing import median_ms
from spm.aggregates import MeasuresMixin, StatDaily, StatMonthly, StatOpenDue
from spm.calculations import NOT_COUNTED, REPORT_SERVICES, achievements, make_period
from spm.figures import FigurePeriod, period_figures
from spm.overdue import overdue_at
from spm.report_figures import achievements_from_raw, report_counts, report_total_from_raw

TARGET_MS = 50
MEASURES = [f.name for f in MeasuresMixin._meta.get_fields() if f.concrete]


class Command(BaseCommand):
    help = "Ukur waktu server dasbor SPM pada skala besar, dibandingkan dengan hitungan langsung dari tabel laporan."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=1_000_000, help="Jumlah laporan minimal (bawaan 1.000.000).")
        parser.add_argument("--runs", type=int, default=9, help="Pengulangan per pengukuran (median).")
        parser.add_argument("--year", type=int, default=None, help="Tahun yang diukur (bawaan: tahun berjalan).")
        parser.add_argument("--allow-sqlite", action="store_true", help="Izinkan SQLite (angka tidak bermakna).")
        parser.add_argument("--no-seed", action="store_true", help="Jangan membuat laporan contoh.")
        parser.add_argument(
            "--daily-days",
            type=int,
            default=365,
            help="Hari yang diisi penuh di tabel agregat harian (bawaan 365; 0 = lewati tahap ini).",
        )
        parser.add_argument("--profile", action="store_true", help="Cetak kueri terlama tiap halaman.")

    def handle(self, *args, reports, runs, year, allow_sqlite, no_seed, daily_days, profile, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError(
                "Benchmark ini membutuhkan PostgreSQL (set DATABASE_URL=postgres://...). "
                "Gunakan --allow-sqlite untuk sekadar mencoba perintahnya."
            )
        if getattr(staticfiles_storage, "manifest_strict", False) and not staticfiles_storage.hashed_files:
            # The pages are measured as in production: hashed static names from the manifest.
            raise CommandError(
                "Manifest berkas statis belum ada: jalankan dulu `python manage.py collectstatic --noinput` "
                "(atau `make bench-dashboard`, yang menjalankannya)."
            )
        self.runs = max(1, runs)
        self.profile = profile
        existing = Incident.objects.count()
        if existing < reports and not no_seed:
            self.stdout.write(f"Membuat {reports - existing:,} laporan contoh dengan seed_demo ...".replace(",", "."))
            call_command("seed_demo", reports=reports - existing, seed=2026, stdout=self.stdout)
        if not StatMonthly.objects.exists() and Incident.objects.exists():
            call_command("rebuild_stats", stdout=self.stdout)
        self._analyze()
        today = timezone.localdate()
        year = year or today.year
        quarter = (today.month - 1) // 3 + 1 if year == today.year else 4
        kecamatan = (
            Incident.objects.values_list("kecamatan_id", flat=True).first()
            or Kecamatan.objects.values_list("code", flat=True).first()
        )
        # The running quarter, the last closed one (overdue from its snapshot), the year.
        closed_year, closed_quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
        self.periods = [
            (f"triwulan {quarter} {year}", {"year": year, "quarter": quarter}),
            (
                f"triwulan {closed_quarter} {closed_year} (selesai)",
                {"year": closed_year, "quarter": closed_quarter},
            ),
            (f"tahun {year}", {"year": year}),
            (
                f"triwulan {quarter} {year}, kec. {kecamatan}",
                {"year": year, "quarter": quarter, "kecamatan": kecamatan},
            ),
        ]
        self.stdout.write(
            f"\nLaporan di basis data: {Incident.objects.count():,}".replace(",", ".") + f"  ({connection.vendor})"
        )
        self.stdout.write(f"Median dari {self.runs} kali, dalam milidetik. Target ≤ {TARGET_MS} ms per halaman dasbor.")

        user = staff_user_create(username=f"bench_pimpinan_{time.monotonic_ns()}", role="pimpinan")
        self.client = Client()
        self.client.force_login(user)
        worst = []
        with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], SECURE_SSL_REDIRECT=False):
            self.stdout.write("\n1. Agregat dari laporan contoh (seed_demo + rebuild_stats)")
            self._rows_line()
            rows = self._measure(raw=True)
            worst.append(max(r[1] for r in rows))
            mismatch = [r[0] for r in rows if r[-1] is False]
            if daily_days > 0:
                with transaction.atomic():
                    first, last = self._fill_daily(year=year, days=daily_days, today=today)
                    self.stdout.write(
                        f"\n2. Tabel harian penuh: setiap desa x kategori x status x hari, {first} s.d. {last} "
                        "(sementara, dibatalkan di akhir)"
                    )
                    self._rows_line()
                    rows = self._measure(raw=False)
                    worst.append(max(r[1] for r in rows))
                    transaction.set_rollback(True)
                self.stdout.write("Tabel harian dan bulanan dikembalikan seperti semula (rollback).")
        verdict = "memenuhi" if max(worst) <= TARGET_MS else "TIDAK memenuhi"
        self.stdout.write(f"\nTarget ≤ {TARGET_MS} ms per halaman dasbor: {verdict} (terlama {max(worst):.1f} ms).")
        if mismatch:
            raise CommandError(
                f"Angka dari agregat berbeda dengan tabel laporan ({', '.join(mismatch)}): jalankan rebuild_stats."
            )

    # --- measuring ---------------------------------------------------------------

    def _rows_line(self):
        self.stdout.write(
            f"Baris agregat: {StatDaily.objects.count():,} harian, {StatMonthly.objects.count():,} bulanan".replace(
                ",", "."
            )
        )

    def _measure(self, *, raw: bool) -> list[tuple]:
        url = reverse("spm:dashboard")
        rows = []
        for label, params in self.periods:
            period = make_period(params["year"], params.get("quarter"), params.get("month"))
            kec = params.get("kecamatan")
            page_ms = median_ms(lambda p=params: self._get(url, p), self.runs)
            figures_ms = median_ms(lambda p=period, k=kec: period_figures(FigurePeriod.of(p), kecamatan=k), self.runs)
            agg_ms = median_ms(
                lambda p=params, per=period: (
                    achievements(**p),
                    report_counts(start=per.start, end=per.end, kecamatan=p.get("kecamatan")),
                ),
                self.runs,
            )
            raw_ms = same = None
            if raw:
                raw_ms = median_ms(lambda p=params: (achievements_from_raw(**p), report_total_from_raw(**p)), self.runs)
                same = self._same(params, period)
            rows.append((label, page_ms, figures_ms, agg_ms, raw_ms, same))
            if self.profile:
                self._profile(url, params)
        width = max(len(r[0]) for r in rows)
        self.stdout.write(
            f"{'periode'.ljust(width)}  {'halaman /dasbor/':>16}  {'period_figures':>14}  {'dari agregat':>12}"
            + (f"  {'dari tabel laporan':>18}  angka" if raw else "")
        )
        for label, page_ms, figures_ms, agg_ms, raw_ms, same in rows:
            line = f"{label.ljust(width)}  {page_ms:16.1f}  {figures_ms:14.1f}  {agg_ms:12.1f}"
            if raw:
                line += f"  {raw_ms:18.1f}  {'sama' if same else 'BERBEDA'}"
            self.stdout.write(line)
        return rows

    def _get(self, url, params):
        response = self.client.get(url, params)
        if response.status_code != 200:
            raise CommandError(f"{url} {params}: HTTP {response.status_code}")
        return response

    def _profile(self, url, params):
        with CaptureQueriesContext(connection) as ctx:
            self._get(url, params)
        queries = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)
        total = sum(float(q["time"]) for q in queries) * 1000
        self.stdout.write(f"   {params}: {len(queries)} kueri, {total:.1f} ms di basis data; terlama:")
        for q in queries[:5]:
            self.stdout.write(f"     {float(q['time']) * 1000:7.1f} ms  {' '.join(q['sql'].split())[:220]}")

    def _same(self, params, period) -> bool:
        data = achievements(**params)
        raw = achievements_from_raw(**params)
        for code, figures in raw.items():
            service = next(s for s in data["services"] if s["code"] == code)
            if (service["must_serve"], service["served"]) != (figures["must_serve"], figures["served"]):
                self.stdout.write(f"  {code}: agregat {service['must_serve']}/{service['served']}, tabel {figures}")
                return False
        counts = report_counts(start=period.start, end=period.end, kecamatan=params.get("kecamatan"))
        raw_total = report_total_from_raw(**params)
        if counts["total"] != raw_total:
            self.stdout.write(f"  jumlah laporan: agregat {counts['total']}, tabel {raw_total}")
            return False
        # Overdue now (spm.overdue, from the deadlines) against the desk's running deadline.
        now = timezone.now()
        start = FigurePeriod.of(period).start_dt
        overdue = overdue_at(at=now, period_start=start, kecamatan=params.get("kecamatan")).total
        desk = Incident.objects.filter(due_at__lt=now, status__in=OPEN_STATUSES)
        if params.get("kecamatan"):
            desk = desk.filter(kecamatan_id=params["kecamatan"])
        if overdue != desk.count():
            self.stdout.write(f"  melewati batas waktu: spm.overdue {overdue}, batas waktu berjalan {desk.count()}")
            return False
        return True

    def _analyze(self):
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            # Fresh planner statistics for the tables read here, and (outside a
            # transaction) the visibility map autovacuum keeps in production, so a
            # freshly rebuilt table is not measured full of dead rows; this may
            # take longer than the statement timeout.
            cursor.execute("SET statement_timeout = 0")
            verb = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
            for model in (Incident, StatDaily, StatMonthly, StatOpenDue):
                cursor.execute(f"{verb} {connection.ops.quote_name(model._meta.db_table)}")
            cursor.execute("RESET statement_timeout")

    # --- a full year of daily aggregates ---------------------------------------------

    def _fill_daily(self, *, year: int, days: int, today: date) -> tuple[date, date]:
        """Every desa x category x status x day of [first, last] gets a daily row
        (existing rows are kept); the monthly rows of those months are rebuilt
        from the daily ones, so the pages read consistent tables."""
        last = min(date(year, 12, 31), today)
        first = last - timedelta(days=days - 1)
        if days >= 365:
            first = min(first, date(year, 1, 1))
        statuses = [s.value for s in Status]
        daily = StatDaily._meta.db_table
        q = connection.ops.quote_name
        status_rows = " UNION ALL ".join("SELECT %s AS status" for _ in statuses)
        report_services = ", ".join("%s" for _ in REPORT_SERVICES)
        not_counted = ", ".join("%s" for _ in NOT_COUNTED)
        # A varying but reproducible count per row (1 to 3) without random(), so the SQL runs on SQLite too.
        v = "((c.id * 7 + LENGTH(d.name) * 13 + %s * 3 + LENGTH(s.status)) %% 5)"
        n = f"(1 + {v} %% 3)"
        spm = f"CASE WHEN c.spm_service IN ({report_services}) AND s.status NOT IN ({not_counted}) THEN {n} ELSE 0 END"
        fire = f"CASE WHEN c.spm_service = %s AND s.status NOT IN ({not_counted}) THEN {n} ELSE 0 END"
        ok = f"CASE WHEN {v} = 0 THEN 0 ELSE 1 END"
        verified = f"CASE WHEN s.status = %s THEN 0 ELSE {n} END"
        resolved = f"CASE WHEN s.status = %s THEN {n} ELSE 0 END"
        columns = {
            "n": (n, ["v"]),
            "spm_must": (spm, ["rs", "nc", "v"]),
            "spm_served": (spm, ["rs", "nc", "v"]),
            "spm_served_ok": (f"({spm}) * {ok}", ["rs", "nc", "v", "v"]),
            "fire_n": (fire, ["k", "nc", "v"]),
            "fire_arrived": (fire, ["k", "nc", "v"]),
            "fire_on_time": (f"({fire}) * {ok}", ["k", "nc", "v", "v"]),
            "fire_seconds": (f"({fire}) * 660", ["k", "nc", "v"]),
            "fr2": (fire, ["k", "nc", "v"]),
            "verified": (verified, ["baru", "v"]),
            "verify_seconds": (f"({verified}) * 5400", ["baru", "v"]),
            "verify_in_sla": (verified, ["baru", "v"]),
            "vh1": (verified, ["baru", "v"]),
            "resolved": (resolved, ["selesai", "v"]),
            "finish_seconds": (f"({resolved}) * 86400", ["selesai", "v"]),
            "finish_in_sla": (f"({resolved}) * {ok}", ["selesai", "v", "v"]),
            "fh3": (resolved, ["selesai", "v"]),
        }
        sql = (
            f"INSERT INTO {q(daily)} (day, category_id, desa_id, kecamatan_id, status, "
            + ", ".join(q(c) for c in columns)
            + ") SELECT %s, c.id, d.code, d.kecamatan_id, s.status, "
            + ", ".join(expr for expr, _p in columns.values())
            + f" FROM {q(Desa._meta.db_table)} d CROSS JOIN {q(Category._meta.db_table)} c CROSS JOIN ({status_rows}) s"
            # WHERE: SQLite needs it before ON CONFLICT in an INSERT ... SELECT.
            + " WHERE 1 = 1 ON CONFLICT DO NOTHING"
        )
        started = time.perf_counter()
        with connection.cursor() as cursor:
            day = first
            while day <= last:
                index = (day - first).days
                values = {
                    "v": [index],
                    "rs": [str(s) for s in REPORT_SERVICES],
                    "nc": [str(s) for s in NOT_COUNTED],
                    "k": ["kebakaran"],
                    "baru": [Status.BARU.value],
                    "selesai": [Status.SELESAI.value],
                }
                # In the order of the placeholders: the day, each column's expression, the statuses.
                params = [day]
                for _expr, names in columns.values():
                    for name in names:
                        params += values[name]
                cursor.execute(sql, [*params, *statuses])
                day += timedelta(days=1)
        # The monthly table of those months, summed from the daily rows.
        month_first = first.replace(day=1)
        StatMonthly.objects.filter(month__gte=month_first, month__lte=last).delete()
        rows = (
            StatDaily.objects.filter(day__gte=month_first, day__lte=last)
            .annotate(m=TruncMonth("day"))
            .values("m", "category_id", "kecamatan_id", "status")
            .annotate(**{f"s_{name}": Sum(name) for name in MEASURES})
        )
        StatMonthly.objects.bulk_create(
            [
                StatMonthly(
                    month=r["m"],
                    category_id=r["category_id"],
                    kecamatan_id=r["kecamatan_id"],
                    status=r["status"],
                    **{name: r[f"s_{name}"] or 0 for name in MEASURES},
                )
                for r in rows
            ],
            batch_size=2000,
        )
        self._analyze()
        self.stdout.write(f"   (diisi dalam {time.perf_counter() - started:.0f} detik)")
        return first, last
