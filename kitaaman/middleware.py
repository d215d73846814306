import logging
import time

from django.conf import settings
from django.contrib.auth import logout
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from .error_pages import error_page
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


# Staff-only areas: even the login redirect an anonymous visitor gets there is private.
PRIVATE_PREFIXES = ("/petugas/", "/dasbor/", "/ringkasan/", "/admin/")
# Marks every answer rendered for a signed-in user. The service worker keeps a
# copy of /lapor/ for residents with no signal; a copy made for an officer on a
# shared phone (logout button, the officer's CSRF token) must never be the one
# a resident opens later, so the worker refuses to keep any answer carrying it.
AUDIENCE_HEADER = "X-Kitaaman-Audience"
AUDIENCE_SIGNED_IN = "signed-in"


def _signed_in(request) -> bool:
    # Only a visitor with a session cookie or an API token can be signed in:
    # the others' session is never opened (that would add Vary: Cookie to
    # public pages and cost a session lookup).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES and "HTTP_AUTHORIZATION" not in request.META:
        return False
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on desk pages and on every answer
    rendered for a signed-in user, so that no shared cache and no browser
    disk cache keeps a reporter's name or an officer's queue after logout;
    answers for a signed-in user also carry AUDIENCE_HEADER for the service
    worker. Anonymous public pages keep the headers their views set."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        signed_in = _signed_in(request)
        if signed_in:
            response[AUDIENCE_HEADER] = AUDIENCE_SIGNED_IN
        if signed_in or request.path_info.startswith(PRIVATE_PREFIXES):
            response["Cache-Control"] = "private, no-store"
            if "Expires" in response:
                del response["Expires"]
        return response


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
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/vnd.oai.openapi",  # the API schema, YAML or JSON
    "image/svg+xml",
)
# Any structured-syntax suffix (RFC 6839): application/geo+json, problem+json,
# manifest+json, cap+xml, atom+xml...
COMPRESSIBLE_SUFFIXES = ("+json", "+xml")


def is_compressible(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type.startswith(COMPRESSIBLE_TYPES) or media_type.endswith(COMPRESSIBLE_SUFFIXES)


class TextGZipMiddleware(GZipMiddleware):
    """Compresses pages, JSON, GeoJSON, XML and scripts for browsers that
    accept it (Django's GZipMiddleware, including its BREACH mitigation), and
    leaves files alone."""

    def process_response(self, request, response):
        if not is_compressible(response.get("Content-Type", "")):
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
            response = error_page(request, 503, message=message)
        response["Retry-After"] = str(retry_after)
        return response
