"""Server time of the desk queue at scale, next to the Django admin changelist.

    DATABASE_URL=postgres://... python manage.py bench_desk --reports 1000000

Seeds synthetic reports with `seed_demo` when fewer exist, runs VACUUM (ANALYZE), then
prints the median time (ms) of: the queue's first page, a deep page (a cursor
at the 90th percentile of the sort order), and a filtered page (kecamatan +
status + overdue), as the koordinator and as a petugas of Rupit; each both
as the query alone (`incident_queue`) and as the whole page through the test
client; and the admin changelist (first page, a deep `?p=`, and a filtered
page) as a superuser, and the overdue filter alone. The status counts are
cached for 30 s; their cold cost is printed separately.

Flat from ten thousand to a million reports: run once with `--save 10k.json` on a
small database and once with `--compare 10k.json` on the large one.
"""

import json
import time
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from incidents.desk import queue
from incidents.models import Assignment, Category, Desa, Incident, Kecamatan, Status
from incidents.permissions import forget_access
from incidents.staff.services import staff_user_create
from kitaaman.timing import median_ms


def first_kecamatan() -> str:
    """The kecamatan the filtered cases and the petugas use: the region's first."""
    return Kecamatan.objects.order_by("code").values_list("code", flat=True).first() or ""


def filtered_case() -> dict:
    return {"kecamatan": first_kecamatan(), "status": Status.BARU, "overdue": "1"}


TARGET_PAGE_MS = 20
# Flat: a page at a million reports within this share of the same page at ten thousand (--compare).
FLAT_SHARE = 0.20


class Command(BaseCommand):
    help = "Ukur waktu server antrean meja petugas pada skala besar (butuh PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=1_000_000, help="Jumlah laporan minimal (bawaan 1.000.000).")
        parser.add_argument("--runs", type=int, default=7, help="Pengulangan per pengukuran (median).")
        parser.add_argument("--allow-sqlite", action="store_true", help="Izinkan SQLite (angka tidak bermakna).")
        parser.add_argument("--no-seed", action="store_true", help="Jangan membuat laporan contoh.")
        parser.add_argument("--save", default="", help="Simpan angka halaman antrean ke berkas JSON ini.")
        parser.add_argument(
            "--compare", default="", help="Bandingkan dengan berkas --save dari basis data lain (mis. 10 ribu laporan)."
        )

    def handle(self, *args, reports, runs, allow_sqlite, no_seed, save, compare, **options):
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
        if connection.vendor == "postgresql":
            # Fresh planner statistics and visibility map (what autovacuum
            # keeps in production; the counts use index-only scans) for the
            # tables the queue reads; no statement_timeout for maintenance.
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
                for model in (Incident, Assignment, Kecamatan, Desa, Category):
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")
                cursor.execute("RESET statement_timeout")
        total = Incident.objects.count()
        users = self._users()
        self.stdout.write(f"\nLaporan di basis data: {total:,}".replace(",", ".") + f"  ({connection.vendor})")
        self.stdout.write(f"Median dari {self.runs} kali, dalam milidetik.\n")
        rows = []
        with override_settings(ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], SECURE_SSL_REDIRECT=False):
            for label, user in (("koordinator", users.koordinator), ("petugas Rupit", users.petugas)):
                rows.extend(self._queue_rows(label, user))
            rows.extend(self._admin_rows(users.admin))
            # The framework's floor (sessions, middleware, base template) for reading the figures above.
            floor = Client()
            rows.append(
                (
                    "dasar: halaman masuk /masuk/ (tanpa data laporan)",
                    None,
                    median_ms(lambda: self._get(floor, reverse("login")), self.runs),
                )
            )
        width = max(len(r[0]) for r in rows)
        self.stdout.write(f"{'pengukuran'.ljust(width)}  {'kueri':>8}  {'halaman':>8}")
        for name, query_ms, page_ms in rows:
            q = f"{query_ms:8.1f}" if query_ms is not None else " " * 8
            self.stdout.write(f"{name.ljust(width)}  {q}  {page_ms:8.1f}")
        self._summary(rows)
        self._flatness(rows, total, save=save, compare=compare)

    # --- helpers ---------------------------------------------------------------------------------

    def _users(self):
        return SimpleNamespace(
            koordinator=staff_user_create(username="bench_koordinator", role="koordinator"),
            petugas=staff_user_create(
                username="bench_petugas_rupit", role="petugas", kecamatan_codes=[first_kecamatan()]
            ),
            admin=staff_user_create(username="bench_admin", role="admin"),
        )

    def _deep_cursor(self, user, params):
        """A cursor at the 90th percentile of the newest-first order (found
        once with OFFSET, which is what the queue itself never does)."""
        forget_access(user)
        qs = queue.queue_queryset(user, params).order_by("-created_at", "-id")
        count = qs.count()
        if count < 2:
            return None, 0
        depth = int(count * 0.9)
        row = qs.values("created_at", "id")[depth]
        return queue.encode_cursor("newest", SimpleNamespace(**row, due_at=None), "n"), depth

    def _get(self, client, url, params=None):
        response = client.get(url, params or {})
        if response.status_code != 200:
            raise CommandError(f"{url} {params}: HTTP {response.status_code}")
        return response

    def _queue_rows(self, label, user):
        client = Client()
        client.force_login(user)
        url = reverse("desk:home")
        self._get(client, url)  # warms the cached status counts
        cache.clear()
        forget_access(user)
        started = time.perf_counter()
        queue.status_counts(user)
        counts_ms = (time.perf_counter() - started) * 1000
        cursor, depth = self._deep_cursor(user, {})
        cases = [("halaman pertama", {}, None), (f"halaman dalam (baris ke-{depth:,})".replace(",", "."), {}, cursor)]
        cases.append(("tersaring (kecamatan+status+terlambat)", filtered_case(), None))
        cases.append(("terlambat saja", {"overdue": "1"}, None))
        rows = []
        for name, params, cur in cases:
            if name.startswith("halaman dalam") and cur is None:
                continue

            def query(params=params, cur=cur):
                forget_access(user)
                page = queue.incident_queue(user, params, cursor=cur)
                return [i.pk for i in page.items]

            def page(params=params, cur=cur):
                return self._get(client, url, {**params, **({"cursor": cur} if cur else {})})

            rows.append((f"antrean {label}: {name}", median_ms(query, self.runs), median_ms(page, self.runs)))
        rows.append((f"antrean {label}: jumlah per status (tanpa cache, tiap 30 dtk)", None, counts_ms))
        return rows

    def _admin_rows(self, admin_user):
        client = Client()
        client.force_login(admin_user)
        url = reverse("admin:incidents_incident_changelist")
        total = Incident.objects.count()
        deep_page = max(int(total * 0.9) // 50, 1)
        cases = [
            ("admin changelist: halaman pertama", {}),
            (f"admin changelist: halaman dalam (?p={deep_page:,})".replace(",", "."), {"p": deep_page}),
            (
                "admin changelist: tersaring (kecamatan+status)",
                {"kecamatan__code__exact": first_kecamatan(), "status__exact": Status.BARU},
            ),
        ]
        return [
            (name, None, median_ms(lambda params=params: self._get(client, url, params), self.runs))
            for name, params in cases
        ]

    def _summary(self, rows):
        queue_pages = [r for r in rows if r[0].startswith("antrean") and "jumlah" not in r[0]]
        admin_pages = [r for r in rows if r[0].startswith("admin")]
        if not queue_pages or not admin_pages:
            return
        worst = max(r[2] for r in queue_pages)
        self.stdout.write("")
        self.stdout.write(f"Halaman antrean terlama (seluruh halaman): {worst:.1f} ms (target <= {TARGET_PAGE_MS} ms).")
        for kind in ("halaman pertama", "halaman dalam", "tersaring"):
            admin = next((r[2] for r in admin_pages if kind in r[0]), None)
            mine = [r[2] for r in queue_pages if kind in r[0]]
            if admin and mine:
                self.stdout.write(
                    f"{kind}: admin {admin:.1f} ms vs antrean terlama {max(mine):.1f} ms = {admin / max(mine):.1f}x "
                    "(target >= 10x)"
                )

    def _flatness(self, rows, total, *, save, compare):
        """Queue pages against the same pages of another run (another database size)."""
        pages = {r[0].split(" (baris")[0]: r[2] for r in rows if r[0].startswith("antrean") and "jumlah" not in r[0]}
        if save:
            Path(save).write_text(json.dumps({"reports": total, "pages": pages}, indent=1))
        if not compare:
            return
        other = json.loads(Path(compare).read_text())
        self.stdout.write(
            f"\nDibandingkan dengan {other['reports']:,} laporan (target: selisih <= 20 %):".replace(",", ".")
        )
        for name, ms in pages.items():
            before = other["pages"].get(name)
            if before:
                change = (ms - before) / before
                mark = "ok" if change <= FLAT_SHARE else "LEBIH"
                self.stdout.write(f"  {name}: {before:.1f} -> {ms:.1f} ms ({change:+.0%}) {mark}")
