import threading
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from .api_errors import MESSAGES
from .error_pages import error_page

# A monitor or load balancer asks every few seconds, from every web process:
# the broker's answer is reused this long, so a probe never opens a broker
# connection per hit (the database check runs on the request's own connection).
BROKER_CHECK_SECONDS = 10

_broker_lock = threading.Lock()
_broker_memo: dict = {}  # broker URL -> (checked at, ok)


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


def _broker_ok() -> bool:
    from .celery import app

    url = app.conf.broker_url
    with _broker_lock:
        checked_at, ok = _broker_memo.get(url, (None, False))
        if checked_at is not None and time.monotonic() - checked_at < BROKER_CHECK_SECONDS:
            return ok
        try:
            _check_broker()
            ok = True
        except Exception:
            ok = False
        _broker_memo[url] = (time.monotonic(), ok)
        return ok


@never_cache
@require_safe
def livez(request):
    """The process answers: no database, no broker (a restart is the only cure
    for a process that cannot say this)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    """Can this process serve requests: the database on the request's own
    connection, the broker as last seen (at most BROKER_CHECK_SECONDS old).
    503 naming what is down. `/healthz` is the same answer."""
    checks = {}
    down = []
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
        down.append("broker")
    body = {"status": "ok" if not down else "down", "checks": checks}
    if down:
        body["down"] = down
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
