"""Pieces every API view shares: parsers, renderers, throttles, error translation."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, renderers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.throttling import AnonRateThrottle


class SettingsRateThrottle(AnonRateThrottle):
    """Reads its rate from settings on every request, so a changed setting
    (and a test's override) applies without a restart of the class."""

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        if self.scope not in rates:
            raise exceptions.ImproperlyConfigured(f"No throttle rate for scope {self.scope!r}")
        return rates[self.scope]


class SafeJSONParser(parsers.JSONParser):
    """A deeply nested body is a bad request, not a crash."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON terlalu dalam bersarang."))


class GeoJSONRenderer(renderers.JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class FirstRendererNegotiation(BaseContentNegotiation):
    """The view's first renderer whatever the Accept header says: map layers
    are GeoJSON, photos are files."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})
