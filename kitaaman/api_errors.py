"""One error envelope for every 4xx answer of the API:

{"error": {"code": "...", "message": "...", "fields": {"field": ["..."]}}}
"""

from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


class ApiError(exceptions.APIException):
    """A domain error with its own code, e.g. a stale version (409)."""

    def __init__(self, message, *, code="error", status_code=400, extra=None):
        self.status_code = status_code
        self.extra = extra or {}
        super().__init__(detail=message, code=code)


MAX_MESSAGE = 500


def _text(value) -> str:
    """A message fit to send: some messages repeat the client's input, which
    may hold a lone surrogate (not encodable as UTF-8: the answer itself would
    fail with a 500) or be 100 KB long."""
    text = str(value).encode("utf-8", "replace").decode("utf-8")
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _flatten(detail):
    if isinstance(detail, dict):
        return {_text(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        flat = []
        for item in detail:
            value = _flatten(item)
            flat.extend(value if isinstance(value, list) else [value])
        return flat
    return _text(detail)


MESSAGES = {
    400: lambda: _("Data yang dikirim tidak valid."),
    401: lambda: _("Anda harus masuk terlebih dahulu."),
    403: lambda: _("Anda tidak berwenang melakukan tindakan ini."),
    404: lambda: _("Data tidak ditemukan."),
    405: lambda: _("Metode tidak diizinkan."),
    409: lambda: _("Data telah diubah oleh pengguna lain. Muat ulang lalu coba lagi."),
    413: lambda: _("Berkas terlalu besar."),
    415: lambda: _("Format data tidak didukung."),
    429: lambda: _("Terlalu banyak permintaan. Silakan coba lagi nanti."),
    500: lambda: _("Terjadi kesalahan di server. Silakan coba lagi nanti."),
}


def exception_handler(exc, context):
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        # Raised while DRF reads the body; without this it would be Django's HTML 400 page.
        exc = PayloadTooLarge()
    elif isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        exc = exceptions.ParseError()
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if isinstance(codes, str):
            code = codes
    body = {"code": code, "message": MESSAGES.get(response.status_code, MESSAGES[400])()}
    if isinstance(exc, exceptions.ValidationError):
        detail = _flatten(exc.detail)
        if isinstance(detail, list):
            detail = {"non_field_errors": detail}
        body["code"] = "invalid"
        body["fields"] = detail
    elif isinstance(exc, ApiError):
        body["message"] = _text(exc.detail)
        body.update(exc.extra)
    elif isinstance(exc, exceptions.Throttled):
        body["retry_after"] = exc.wait
    elif response.status_code not in MESSAGES and isinstance(exc, exceptions.APIException):
        body["message"] = _text(exc.detail)
    response.data = {"error": body}
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS and "Retry-After" not in response:
        response["Retry-After"] = "60"
    return response
