"""Load test: what the portal sustains when the whole kabupaten opens it at once.

    DATABASE_URL=postgres://... python manage.py loadtest --reports 1000000

Starts gunicorn with production settings (DEBUG=0, NUM_PROXIES=1, `--workers`)
on a free port of 127.0.0.1, or measures a running server (`--url`), and
prints one table:

- reports: accepted reports per second over `--duration` at `--concurrency`
  with p50/p95/p99, the answers by status (429 apart), transport errors, and
  the lost check: rows in the database with the run's client_uuids against
  the 201 answers (with `--url`, when DATABASE_URL is the server's database);
- `GET /` and `GET /api/v1/reports/public.geojson` (plain GETs, no
  conditional requests), and `GET /masuk/`, a page without a database query,
  as the ceiling, with each read's share of it.
"""

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from incidents.demo.generator import DemoGenerator
from incidents.models import Desa, Incident
from incidents.reference import geo
from kitaaman import loadgen

READS = [
    ("GET /", "/"),
    ("GET /api/v1/reports/public.geojson", "/api/v1/reports/public.geojson"),
]
CEILING = ("GET /masuk/ (tanpa basis data)", "/masuk/")
SERVER_ENV = {
    "DEBUG": "0",
    # Behind one reverse proxy that appends the resident's address.
    "NUM_PROXIES": "1",
    # Plain HTTP on the loopback: no redirect to HTTPS (the proxy terminates TLS).
    "KITAAMAN_HTTPS": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    # Unhashed static URLs, so no collectstatic is needed; static files are not measured.
    "STATIC_MANIFEST": "0",
    "PYTHONWARNINGS": "ignore:No directory at",
}


def _dots(n) -> str:
    return f"{n:,}".replace(",", ".")


class Command(BaseCommand):
    help = "Uji beban: laporan per detik, halaman depan, peta publik dan batas atas tanpa basis data."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=0, help="Laporan minimal di basis data (seed_demo).")
        parser.add_argument("--duration", type=float, default=60, help="Detik pengiriman laporan (bawaan 60).")
        parser.add_argument("--read-duration", type=float, default=20, help="Detik per halaman baca (bawaan 20).")
        parser.add_argument("--concurrency", type=int, default=50, help="Klien serentak (bawaan 50).")
        parser.add_argument("--workers", type=int, default=5, help="Worker gunicorn (bawaan 5).")
        parser.add_argument("--url", default="", help="Ukur server yang sudah berjalan, mis. http://127.0.0.1:8000")
        parser.add_argument("--allow-sqlite", action="store_true", help="Izinkan SQLite (angka tidak bermakna).")
        parser.add_argument("--no-lost-check", action="store_true", help="Lewati pemeriksaan laporan hilang.")
        parser.add_argument("--seed", type=int, default=None, help="Benih acak isi laporan.")

    def handle(self, *args, **opts):
        opts = SimpleNamespace(**opts)
        if connection.vendor != "postgresql" and not opts.allow_sqlite:
            raise CommandError(
                "Uji beban membutuhkan PostgreSQL (set DATABASE_URL=postgres://...). "
                "Gunakan --allow-sqlite untuk sekadar mencoba perintahnya."
            )
        if opts.duration <= 0 or opts.read_duration < 0 or opts.concurrency < 1 or opts.workers < 1:
            raise CommandError("Durasi, jumlah klien dan worker harus positif.")
        # One log line per request would cost the generator more than the server.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        existing = Incident.objects.count()
        if opts.reports > existing:
            self.stdout.write(f"Membuat {_dots(opts.reports - existing)} laporan contoh dengan seed_demo ...")
            call_command("seed_demo", reports=opts.reports - existing, seed=2026, stdout=self.stdout)
        factory = self._report_factory(opts.seed)
        before = Incident.objects.count()
        if opts.url:
            results = self._measure(opts.url.rstrip("/"), factory, opts)
            where = f"{opts.url} (server yang berjalan)"
        else:
            server_env = {**SERVER_ENV, "SECRET_KEY": settings.SECRET_KEY}
            with loadgen.GunicornServer(workers=opts.workers, env=server_env, cwd=str(settings.BASE_DIR)) as server:
                results = self._measure(server.url, factory, opts)
            where = f"{server.url} (gunicorn {opts.workers} worker, DEBUG=0, NUM_PROXIES=1)"
        self._print(results, opts, where=where, before=before)

    def _report_factory(self, seed):
        generator = DemoGenerator(seed=seed)
        desa = list(Desa.objects.order_by("code"))

        def agrees(lat, lng, code):
            try:
                return geo.desa_code_for_point(lat, lng) == code
            except geo.OutsideKabupaten:
                return False

        return loadgen.ReportFactory(generator, loadgen.desa_points(desa, seed=seed, agrees=agrees), seed=seed)

    def _measure(self, url, factory, opts):
        async def run():
            paths = [p for _, p in [*READS, CEILING]]
            await loadgen.warm_up(url, paths, rounds=2)
            out = [
                await loadgen.run_phase(
                    url, "POST /api/v1/reports/", factory, duration=opts.duration, concurrency=opts.concurrency
                )
            ]
            if opts.read_duration:
                for name, path in [*READS, CEILING]:
                    out.append(
                        await loadgen.run_phase(
                            url,
                            name,
                            loadgen.plain_get(path),
                            duration=opts.read_duration,
                            concurrency=opts.concurrency,
                        )
                    )
            return out

        # A thread of its own: the caller's thread may already run an event loop.
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, run()).result()

    # --- the table --------------------------------------------------------------------------------

    def _print(self, results, opts, *, where, before):
        reports, reads = results[0], results[1:]
        db = settings.DATABASES["default"]
        self.stdout.write(f"\nUji beban: {where}")
        self.stdout.write(
            f"Basis data: {connection.vendor}, {_dots(before)} laporan sebelum uji; "
            f"CONN_MAX_AGE={db.get('CONN_MAX_AGE')}; {opts.concurrency} klien serentak; "
            f"laporan {opts.duration:g} dtk, tiap halaman baca {opts.read_duration:g} dtk "
            "(GET biasa tanpa If-None-Match, seperti kunjungan pertama)."
        )
        if not opts.url and settings.CELERY_TASK_ALWAYS_EAGER:
            self.stdout.write(
                "Peringatan: tanpa CELERY_BROKER_URL tugas latar (e-mail) berjalan di dalam permintaan, "
                "tidak seperti di produksi."
            )
        self.stdout.write("")
        header = f"{'pengukuran':<42} {'per dtk':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        header += f"{'2xx':>7} {'429':>5} {'lain':>5} {'galat':>5}"
        self.stdout.write(header)
        for result in results:
            self.stdout.write(self._row(result))
        self.stdout.write("")
        self._lost_check(reports, opts)
        ceiling = reads[-1] if reads else None
        for result in reads[:-1]:
            share = result.rate() / ceiling.rate() * 100 if ceiling and ceiling.rate() else 0
            self.stdout.write(
                f"{result.name}: {share:.0f} % dari batas atas; jawaban terakhir "
                f"{result.body_bytes / 1024:.1f} KB, {result.wire_bytes / 1024:.1f} KB terkirim (terkompresi)."
            )

    def _row(self, r) -> str:
        def ms(p):
            value = r.percentile(p)
            return f"{value:7.1f}" if value is not None else f"{'-':>7}"

        other = r.answered - r.ok - r.statuses.get(429, 0)
        label = r.name + (" (201)" if r.name.startswith("POST") else "")
        count = r.statuses.get(201, 0) if r.name.startswith("POST") else None
        return (
            f"{label:<42} {r.rate(count):8.1f} {ms(50)} {ms(95)} {ms(99)} "
            f"{r.ok:7d} {r.statuses.get(429, 0):5d} {other:5d} {sum(r.errors.values()):5d}"
        )

    def _lost_check(self, reports, opts):
        answered_201 = len(reports.accepted)
        others = {s: n for s, n in sorted(reports.statuses.items()) if s != 201}
        self.stdout.write(
            f"Laporan: {_dots(answered_201)} dijawab 201; jawaban lain {others or '-'}; "
            f"galat {dict(reports.errors) or '-'}."
        )
        if opts.no_lost_check:
            self.stdout.write("Pemeriksaan laporan hilang dilewati (--no-lost-check).")
            return
        stored = stored_count(reports.accepted)
        lost = answered_201 - stored
        self.stdout.write(f"Tersimpan dengan client_uuid yang dijawab 201: {_dots(stored)}; hilang = {_dots(lost)}.")
        extra = stored_count(reports.unanswered)
        if extra:
            self.stdout.write(f"Tersimpan walau tanpa jawaban 201 (mis. batas waktu klien): {_dots(extra)}.")
        if answered_201 and not stored:
            self.stdout.write("Tidak satu pun ditemukan: apakah DATABASE_URL menunjuk ke basis data server itu?")


def stored_count(client_uuids) -> int:
    """Reports in the database among these client_uuids."""
    total = 0
    for start in range(0, len(client_uuids), 1000):
        total += Incident.objects.filter(client_uuid__in=client_uuids[start : start + 1000]).count()
    return total
