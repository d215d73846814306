"""The audit trail besides report events: sign-ins, failed sign-ins, sign-outs,
lockouts, identity viewings and exports (AuditLog, append-only).

Action codes are dotted: auth.login, auth.login_failed, auth.logout,
auth.locked_out, auth.token_refused, incident.identity_viewed, incident.export.
"""

from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from incidents.models import AuditLog
from kitaaman.http import client_ip

LOGIN = "auth.login"
LOGIN_FAILED = "auth.login_failed"
LOGOUT = "auth.logout"
LOCKED_OUT = "auth.locked_out"
IDENTITY_VIEWED = "incident.identity_viewed"
EXPORT = "incident.export"


def actor_label(user) -> str:
    """How a person is named in the history and the audit trail."""
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    return user.get_full_name() or user.get_username()


def record(action: str, *, user=None, incident=None, request=None, ip=None, data=None) -> AuditLog:
    """Append one audit row."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    return AuditLog.objects.create(
        action=action,
        actor=user,
        actor_label=actor_label(user),
        incident=incident,
        ip_address=ip or client_ip(request),
        data=data or {},
    )


def export_record(*, user, request=None, params=None, count=None, fmt="") -> AuditLog:
    """Record an export of report data (what filter, how many rows, which format)."""
    clean = {}
    for key, value in (params or {}).items():
        clean[str(key)[:40]] = str(value)[:200]
    return record(EXPORT, user=user, request=request, data={"params": clean, "count": count, "format": fmt})


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers to a locked-out sign-in: the error envelope on
    the API, the "akun dikunci" page elsewhere (both 429 with Retry-After)."""

    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    seconds = int(cool_off.total_seconds()) if hasattr(cool_off, "total_seconds") else 900
    if (getattr(request, "path", "") or "").startswith("/api/"):
        response = JsonResponse(
            {
                "error": {
                    "code": "locked_out",
                    "message": _(
                        "Akun dikunci sementara karena terlalu banyak percobaan masuk yang gagal. Coba lagi nanti."
                    ),
                    "retry_after": seconds,
                }
            },
            status=429,
        )
    else:
        response = render(
            request, settings.AXES_LOCKOUT_TEMPLATE, {"cooloff_minutes": max(seconds // 60, 1)}, status=429
        )
    response["Retry-After"] = str(seconds)
    return response


def _via(request) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/admin/"):
        return "admin"
    if path.startswith("/api/"):
        return "api"
    return "web"


@receiver(user_logged_in, dispatch_uid="kitaaman-audit-login")
def _on_login(sender, request, user, **kwargs):
    record(LOGIN, user=user, request=request, data={"via": _via(request)})


@receiver(user_logged_out, dispatch_uid="kitaaman-audit-logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(LOGOUT, user=user, request=request, data={"via": _via(request)})


@receiver(user_login_failed, dispatch_uid="kitaaman-audit-login-failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    # Django already masks the password in `credentials`; keep the username only.
    username = str((credentials or {}).get("username", ""))[:150]
    record(LOGIN_FAILED, request=request, data={"username": username, "via": _via(request)})


def _on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    record(LOCKED_OUT, request=request, ip=ip_address, data={"username": str(username or "")[:150]})


def _connect_axes():

    user_locked_out.connect(_on_locked_out, dispatch_uid="kitaaman-audit-locked-out")


_connect_axes()
