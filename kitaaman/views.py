import threading
import time

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .api_errors import MESSAGES

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


def bad_request(request, exception):
    return _envelope(400, "bad_request") if _is_api(request) else defaults.bad_request(request, exception)


def permission_denied(request, exception):
    return _envelope(403, "permission_denied") if _is_api(request) else defaults.permission_denied(request, exception)


def page_not_found(request, exception):
    return _envelope(404, "not_found") if _is_api(request) else defaults.page_not_found(request, exception)


def server_error(request):
    return _envelope(500, "server_error") if _is_api(request) else defaults.server_error(request)
