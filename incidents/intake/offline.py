"""/lapor/ on the resident's phone: the service worker, the web app manifest,
and the texts and asset lists that the form's scripts read.

The service worker is served from the site root (/sw.js) so that it may
control /lapor/; it caches the form (which carries the category and desa
lists) and its assets, and delivers reports kept on the device through the
public API (POST /api/v1/reports/, idempotent on client_uuid). It keeps the
form only as an anonymous visitor gets it (a phone may be shared with an
officer) and drops its copy when someone signs out.
"""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from incidents.maps import LEAFLET_JS, leaflet_loader
from kitaaman import region
from kitaaman.middleware import AUDIENCE_HEADER

# Cached when the worker installs: what /lapor/ needs to open with no signal.
PAGE_ASSETS = (
    "css/kitaaman.css",
    "js/antrean.js",
    "js/laporan-saya.js",
    "js/muat-peta.js",
    "js/lapor.js",
    "img/favicon.svg",
)
# Loaded only when the resident opens the map (and cached then).
FORM_MAP_JS = ("js/lapor-peta.js",)
MAP_JS = LEAFLET_JS + FORM_MAP_JS
# A slow network answer for the form gives way to the device's copy after this long.
PAGE_TIMEOUT_MS = 6000
PHOTO_MAX_SIDE = 1600
# Part of the worker's cache name: raise it when the worker's rules for what it
# keeps change, so copies kept under the old rules are dropped on activation.
CACHE_RULES = 2


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


def kept_for_residents(view):
    """The form as an anonymous visitor gets it may be kept by the worker (no-cache:
    the browser asks again each time, but may hold the copy); anything else (a
    signed-in user's page, a POST's answer with what was typed) is never stored
    anywhere, and sw.js refuses to keep it (`private`, `no-store`)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if request.method == "GET" and response.status_code == 200 and not request.user.is_authenticated:
            patch_cache_control(response, no_cache=True, max_age=0)
        else:
            add_never_cache_headers(response)
        return response

    return wrapped


def worker_config() -> dict:
    return {
        "version": f"{CACHE_RULES}-{_asset_fingerprint(PAGE_ASSETS + MAP_JS)}",
        "page": reverse("report"),
        "logout": reverse("logout"),
        "audienceHeader": AUDIENCE_HEADER,
        "precache": [static(name) for name in PAGE_ASSETS] + [reverse("web_manifest")],
        # The map library and its images: cached the first time the map is opened.
        "runtimePrefixes": [settings.STATIC_URL + "leaflet/"]
        + [static(name) for name in MAP_JS if not name.startswith("leaflet/")],
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
    return leaflet_loader(FORM_MAP_JS)


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
