from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .api_errors import MESSAGES


def _check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_broker():
    from .celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=3)


@never_cache
@require_GET
def healthz(request):
    """What was checked, and 503 naming what is down."""
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
    else:
        try:
            _check_broker()
            checks["broker"] = "ok"
        except Exception:
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
