"""/lapor/ on the resident's phone: the service worker, the web app manifest,
and the texts and asset lists that the form's scripts read.

The service worker is served from the site root (/sw.js) so that it may
control /lapor/; it caches the form (which carries the category and desa
lists) and its assets, and delivers reports kept on the device through the
public API (POST /api/v1/reports/, idempotent on client_uuid).
"""

import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from kitaaman import region

# Cached when the worker installs: what /lapor/ needs to open with no signal.
PAGE_ASSETS = ("css/kitaaman.css", "js/antrean.js", "js/laporan-saya.js", "js/lapor.js", "img/favicon.svg")
# Loaded only when the resident opens the map (and cached then).
MAP_CSS = ("leaflet/leaflet.css",)
MAP_JS = ("leaflet/leaflet.js", "js/lapor-peta.js")
# A slow network answer for the form gives way to the device's copy after this long.
PAGE_TIMEOUT_MS = 6000
PHOTO_MAX_SIDE = 1600


def _asset_fingerprint(names) -> str:
    """Changes whenever an asset changes, hashed names or not (a developer's machine)."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(static(name).encode())
        path = finders.find(name)
        if path:
            with open(path, "rb") as fh:
                digest.update(fh.read())
    return digest.hexdigest()[:16]


def worker_config() -> dict:
    return {
        "version": _asset_fingerprint(PAGE_ASSETS + MAP_JS),
        "page": reverse("report"),
        "precache": [static(name) for name in PAGE_ASSETS] + [reverse("web_manifest")],
        # The map library and its images: cached the first time the map is opened.
        "runtimePrefixes": [settings.STATIC_URL + "leaflet/", static("js/lapor-peta.js")],
        "queueScript": static("js/antrean.js"),
        "api": reverse("api-report-create"),
        "pageTimeoutMs": PAGE_TIMEOUT_MS,
    }


@require_GET
@cache_control(no_cache=True, max_age=0)
def service_worker(request):
    body = render_to_string("incidents/offline/sw.js", {"config": json.dumps(worker_config())})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # Served from the root, it may control every page; it handles /lapor/ and leaves the rest alone.
    response["Service-Worker-Allowed"] = "/"
    return response


def region_center() -> list[float]:
    """The middle of the region's map bounds."""
    box = region.bbox()
    return [round((box["min_lat"] + box["max_lat"]) / 2, 4), round((box["min_lng"] + box["max_lng"]) / 2, 4)]


@require_GET
@cache_control(max_age=3600)
def web_manifest(request):
    manifest = {
        "name": _("KITA AMAN %(region)s") % {"region": region.current().name},
        "short_name": "KITA AMAN",
        "description": _("Laporkan konflik, bencana, kebakaran, atau gangguan ketertiban di %(region)s.")
        % {"region": region.current().official_name},
        "lang": get_language() or settings.LANGUAGE_CODE,
        "start_url": reverse("report"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#f6f8f7",
        "theme_color": "#0b5d3b",
        "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml", "purpose": "any"}],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


def page_config() -> dict:
    """What lapor.js needs besides the form: where to send, what to load on request."""
    return {
        "worker": reverse("service_worker"),
        "api": reverse("api-report-create"),
        # Filled in by the script with the tracking code.
        "doneUrl": reverse("report_done", args=["KODE"]),
        "trackUrl": reverse("track_code", args=["KODE"]),
        "photoMaxSide": PHOTO_MAX_SIDE,
        "map": map_loader(),
    }


def map_loader() -> dict:
    """What lapor.js loads when the resident opens the map."""
    tiles = settings.LEAFLET_CONFIG["TILES"][0]
    return {
        "css": [static(name) for name in MAP_CSS],
        "js": [static(name) for name in MAP_JS],
        "tiles": tiles[1],
        "attribution": tiles[2].get("attribution", ""),
        "minZoom": settings.LEAFLET_CONFIG["MIN_ZOOM"],
        "maxZoom": settings.LEAFLET_CONFIG["MAX_ZOOM"],
        "center": region_center(),
        "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        "prefix": settings.LEAFLET_CONFIG["ATTRIBUTION_PREFIX"],
    }


def client_messages() -> dict:
    """Texts of the form's scripts (offline queue, checks in the browser, photos, map)."""
    return {
        "required": _("%(label)s wajib diisi."),
        "needPlace": _("Pilih desa/kelurahan atau tandai lokasi di peta."),
        "badPhone": _("Tulis nomor telepon dengan angka saja, misalnya 0812 3456 7890."),
        "notSent": _("Laporan belum terkirim."),
        "checkMarked": _("Periksa bagian yang ditandai merah di bawah."),
        "preparing": _("Menyiapkan foto…"),
        "sending": _("Mengirim… %(pct)s%%"),
        "sendingNoPct": _("Mengirim…"),
        "waitingAnswer": _("Foto terkirim, menunggu jawaban…"),
        "queued": _(
            "Belum ada sinyal. Laporan disimpan di perangkat ini dan dikirim otomatis saat sinyal kembali. "
            "Jangan hapus data browser sampai laporan terkirim."
        ),
        "queuedAfterFailure": _(
            "Jaringan terputus saat mengirim. Laporan disimpan di perangkat ini dan dikirim otomatis saat sinyal "
            "kembali. Jangan hapus data browser sampai laporan terkirim."
        ),
        "delivered": _("Laporan terkirim. Kode lacak: %(code)s"),
        "stateWaiting": _("Menunggu sinyal"),
        "stateSending": _("Sedang dikirim"),
        "stateRefused": _("Ditolak: %(error)s"),
        "stateLater": _("Dicoba lagi setelah %(time)s"),
        "photos": _("%(n)s foto"),
        "remove": _("Hapus"),
        "removeConfirm": _("Hapus laporan ini dari perangkat? Laporan yang dihapus tidak akan terkirim."),
        "offline": _(
            "Tidak ada sinyal. Anda tetap dapat mengisi dan mengirim laporan; laporan dikirim saat sinyal kembali."
        ),
        "failed": _("Laporan belum terkirim karena gangguan jaringan. Coba lagi."),
        "mapLoading": _("Memuat peta…"),
        "mapFailed": _("Peta tidak dapat dimuat (sinyal lemah?). Pilih desa dari daftar; laporan tetap diterima."),
    }
