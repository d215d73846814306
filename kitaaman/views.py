from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
