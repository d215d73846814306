import mimetypes
import threading
import time

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.http import FileResponse, Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from . import region
from .api_errors import MESSAGES
from .cache_backend import CacheUnavailable, FailSoftRedisCache
from .error_pages import error_page

# A monitor or load balancer asks every few seconds, from every web process:
# the broker's and the cache's answers are reused this long, so a probe never
# opens a connection per hit (the database check runs on the request's own
# connection).
BROKER_CHECK_SECONDS = 10
# What /livez saw of the proxy's headers (read by manage.py deploy_check).
FORWARDED_HOPS_HEADER = "X-Kitaaman-Forwarded-Hops"
FORWARDED_PROTO_HEADER = "X-Kitaaman-Forwarded-Proto"

_memo_lock = threading.Lock()
_probe_memo: dict = {}  # (what, URL) -> (checked at, answer)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


def _remembered(key, check):
    with _memo_lock:
        checked_at, answer = _probe_memo.get(key, (None, None))
        if checked_at is not None and time.monotonic() - checked_at < BROKER_CHECK_SECONDS:
            return answer
        answer = check()
        _probe_memo[key] = (time.monotonic(), answer)
        return answer


def probes_forget() -> None:
    """Ask the broker and the cache again at the next probe (tests)."""
    with _memo_lock:
        _probe_memo.clear()


def _broker_ok() -> bool:
    from .celery import app

    def check():
        try:
            _check_broker()
            return True
        except Exception:
            return False

    return _remembered(("broker", app.conf.broker_url), check)


def _cache_state() -> str:
    """ "ok" (Redis answers), "down" (it does not: the portal works without it,
    kitaaman.cache_backend), or "local" (no shared cache configured)."""
    backend = caches["default"]
    if not isinstance(backend, FailSoftRedisCache):
        return "local"

    def check():
        try:
            backend.run(lambda client: client.ping(), probe=True)
            return "ok"
        except CacheUnavailable:
            return "down"

    return _remembered(("cache", settings.CACHE_URL), check)


@never_cache
@require_safe
def livez(request):
    """The process answers: no database, no broker (a restart is the only cure
    for a process that cannot say this). It also says what the proxy in front
    of it passed on (how many X-Forwarded-For addresses, which
    X-Forwarded-Proto), so `manage.py deploy_check` can compare that with
    NUM_PROXIES through the real site."""
    response = JsonResponse({"status": "ok"})
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop for hop in forwarded.split(",") if hop.strip()]
    response[FORWARDED_HOPS_HEADER] = str(len(hops))
    response[FORWARDED_PROTO_HEADER] = request.META.get("HTTP_X_FORWARDED_PROTO", "")[:10]
    return response


@never_cache
@require_safe
def readyz(request):
    """Can this process serve requests? It can while the database answers:
    a report is saved and answered without the broker (the outbox keeps
    notifications until it is back) and without the cache (a miss; the rate
    limiter counts in the process). So only the database makes it 503; the
    broker and the cache, as last seen (at most BROKER_CHECK_SECONDS old),
    are named under `checks`, and when either is down the answer stays 200
    with status "degraded" and `degraded` naming them, for monitoring.
    `/healthz` is the same answer."""
    checks = {}
    down, degraded = [], []
    try:
        _check_database()
        checks["database"] = "ok"
    except Exception:
        checks["database"] = "down"
        down.append("database")
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "eager"
    elif _broker_ok():
        checks["broker"] = "ok"
    else:
        checks["broker"] = "down"
        degraded.append("broker")
    checks["cache"] = _cache_state()
    if checks["cache"] == "down":
        degraded.append("cache")
    body = {"status": "down" if down else "degraded" if degraded else "ok", "checks": checks}
    if down:
        body["down"] = down
    if degraded:
        body["degraded"] = degraded
    return JsonResponse(body, status=503 if down else 200)


# Error pages. Under /api/ a client expects the JSON error envelope whatever
# went wrong (an unknown path, a crash), never Django's HTML page.


def _is_api(request) -> bool:
    return (getattr(request, "path", "") or "").startswith("/api/")


def _envelope(status: int, code: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": str(MESSAGES[status]())}}, status=status)


@requires_csrf_token
def bad_request(request, exception):
    return _envelope(400, "bad_request") if _is_api(request) else error_page(request, 400, exception)


@requires_csrf_token
def permission_denied(request, exception):
    return _envelope(403, "permission_denied") if _is_api(request) else error_page(request, 403, exception)


@requires_csrf_token
def page_not_found(request, exception):
    return _envelope(404, "not_found") if _is_api(request) else error_page(request, 404, exception)


def server_error(request):
    return _envelope(500, "server_error") if _is_api(request) else error_page(request, 500)


def csrf_failure(request, reason=""):
    """A form sent with an expired or missing CSRF token (a page left open
    overnight, cookies blocked): the portal's 403 saying what to do, not
    Django's technical page."""
    if _is_api(request):
        return _envelope(403, "permission_denied")
    message = _("Formulir ini sudah kedaluwarsa atau cookie diblokir. Muat ulang halaman, lalu kirim lagi.")
    return error_page(request, 403, message=message)


@require_safe
@cache_control(public=True, max_age=3600)
def region_logo(request):
    """The Pemda's logo from the region profile. Media are never served
    directly, so the one public image among them goes through here."""
    profile = region.current()
    if not profile.logo:
        raise Http404
    try:
        handle = profile.logo.open("rb")
    except OSError:
        raise Http404 from None
    content_type = mimetypes.guess_type(profile.logo.name)[0] or "application/octet-stream"
    return FileResponse(handle, content_type=content_type)
