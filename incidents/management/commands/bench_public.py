"""Size and server time of the public reads at scale: the map layer, the home
page and the reference lists, cold (cache emptied) and warm (served from it).

    DATABASE_URL=postgres://... python manage.py bench_public

Reads only; empties the configured cache before each cold run, so point it at
a cache of its own (no CACHE_URL: the process's local memory).
"""

import statistics
import time

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from incidents.models import Incident

LAYER = "/api/v1/reports/public.geojson"


class Command(BaseCommand):
    help = "Ukur ukuran dan waktu server peta laporan publik, beranda, dan daftar referensi (hanya membaca)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=7, help="Pengulangan per pengukuran dingin (median).")
        parser.add_argument("--warm-runs", type=int, default=200, help="Pengulangan per pengukuran hangat.")

    def handle(self, *args, runs, warm_runs, **options):
        total = Incident.objects.count()
        self.stdout.write(f"Laporan di basis data: {total:,}".replace(",", ".") + f"  ({connection.vendor})")
        # Static files by plain name: the figures must not depend on a collectstatic run.
        storages = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        with override_settings(
            ALLOWED_HOSTS=["testserver", *settings.ALLOWED_HOSTS], SECURE_SSL_REDIRECT=False, STORAGES=storages
        ):
            client = Client()
            self._sizes(client)
            self.stdout.write("\nWaktu server (ms): dingin = median, hangat = median / p95")
            for label, url, extra in (
                ("peta publik (bawaan, gzip)", LAYER, {"HTTP_ACCEPT_ENCODING": "gzip"}),
                ("peta publik period=7d", LAYER + "?period=7d", {"HTTP_ACCEPT_ENCODING": "gzip"}),
                ("peta publik bbox Rupit", LAYER + "?bbox=102.80,-2.80,103.00,-2.60", {"HTTP_ACCEPT_ENCODING": "gzip"}),
                ("beranda /", "/", {}),
                ("kategori", "/api/v1/categories/", {"HTTP_ACCEPT_ENCODING": "gzip"}),
                ("wilayah desa", "/api/v1/areas/?level=desa", {"HTTP_ACCEPT_ENCODING": "gzip"}),
                # The framework's floor: a page that reads no data.
                ("dasar: /masuk/ (tanpa basis data)", "/masuk/", {}),
            ):
                self._times(client, label, url, extra, runs, warm_runs)
            etag = client.get(LAYER)["ETag"]
            warm = self._measure(client, LAYER, {"HTTP_IF_NONE_MATCH": etag}, warm_runs, cold=False)
            self.stdout.write(f"  peta publik 304 (If-None-Match): {_fmt(warm)}")

    def _sizes(self, client):
        cache.clear()
        raw = client.get(LAYER, HTTP_ACCEPT_ENCODING="identity")
        packed = client.get(LAYER, HTTP_ACCEPT_ENCODING="gzip")
        data = raw.json()
        self.stdout.write(
            f"Peta publik (bawaan: {data.get('since', '-')} s.d. hari ini): {len(data['features'])} titik, "
            f"more={data.get('more', '-')}, {len(raw.content) / 1024:.1f} KB mentah, "
            f"{len(packed.content) / 1024:.1f} KB gzip ({packed.get('Content-Encoding', '-')})"
        )

    def _times(self, client, label, url, extra, runs, warm_runs):
        cold = self._measure(client, url, extra, runs, cold=True)
        warm = self._measure(client, url, extra, warm_runs, cold=False)
        self.stdout.write(f"  {label}: dingin {statistics.median(cold):.1f}; hangat {_fmt(warm)}")

    def _measure(self, client, url, extra, runs, *, cold) -> list[float]:
        times = []
        client.get(url, **extra)
        for _ in range(runs):
            if cold:
                cache.clear()
            started = time.perf_counter()
            response = client.get(url, **extra)
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code in (200, 304), (url, response.status_code)
        return times


def _fmt(times: list[float]) -> str:
    ordered = sorted(times)
    return f"{statistics.median(ordered):.2f} / {ordered[int(len(ordered) * 0.95) - 1]:.2f}"
