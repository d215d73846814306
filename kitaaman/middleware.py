import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from .http import ServiceUnavailable

logger = logging.getLogger(__name__)


class StaffIdleTimeoutMiddleware:
    """Ends a staff session after STAFF_IDLE_TIMEOUT seconds without a request.

    Citizens have no session worth protecting; staff sessions give access to
    reporters' identities, so an unattended browser must not stay signed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get("last_seen")
            if last is not None and now - last > settings.STAFF_IDLE_TIMEOUT:
                logout(request)
                request.session["idle_logged_out"] = True
            else:
                # Write at most once a minute to keep session writes cheap.
                if last is None or now - last > 60:
                    request.session["last_seen"] = now
        return self.get_response(request)


class PortalLocaleMiddleware(LocaleMiddleware):
    """Bahasa Indonesia unless the visitor chose English with the language switch.

    Many phones in the region are set to English; the browser's Accept-Language
    must not turn the portal's pages into English for them. API clients, which
    have no language switch, still negotiate with Accept-Language.
    """

    def process_request(self, request):
        if request.path_info.startswith("/api/"):
            return super().process_request(request)
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


# Answers worth compressing; photos, PDFs and spreadsheets are compressed already.
COMPRESSIBLE_TYPES = ("text/", "application/json", "application/javascript", "application/manifest+json")


class TextGZipMiddleware(GZipMiddleware):
    """Compresses pages, JSON and scripts for browsers that accept it (Django's
    GZipMiddleware, including its BREACH mitigation), and leaves files alone."""

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(COMPRESSIBLE_TYPES):
            return response
        return super().process_response(request, response)


class ServiceUnavailableMiddleware:
    """A database connection lost mid-request (PostgreSQL restarted, a
    connection terminated) or a failing store is a 503 the client may retry,
    not a 500: the JSON error envelope under /api/, a short page elsewhere,
    both with Retry-After. The request's transaction was rolled back, so a
    retry (with the same client_uuid for a report) saves it once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ServiceUnavailable):
            code, message, retry_after = exception.code, str(exception), exception.retry_after
        elif isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("database unavailable during %s: %s", request.path, exception)
            code, retry_after = "unavailable", 10
            message = _("Layanan sedang mengalami gangguan sementara. Silakan coba lagi sebentar lagi.")
        else:
            return None
        if request.path.startswith("/api/"):
            response = JsonResponse(
                {"error": {"code": code, "message": message, "retry_after": retry_after}}, status=503
            )
        else:
            response = render(request, "503.html", {"message": message}, status=503)
        response["Retry-After"] = str(retry_after)
        return response
