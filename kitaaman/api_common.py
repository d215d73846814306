"""Pieces every API view shares: parsers, renderers, error translation (rate limits: kitaaman.ratelimit)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions, parsers, renderers
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView


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


def validated(serializer_class, data) -> dict:
    """The validated input of an API call; a 400 with the fields (exceptions.ValidationError) when invalid."""
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class ClearCursorPagination(CursorPagination):
    """A cursor the client mangled is a bad request (400, documented), not a
    404 for a list that exists."""

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            raise exceptions.ValidationError({self.cursor_query_param: [_("Penunjuk halaman tidak valid.")]})


class AnonymousApiView(APIView):
    """A door open to everyone: no sign-in is read (so no session, and no CSRF
    check, applies) and every visitor is let in. What limits it is its own
    throttle or quota."""

    authentication_classes = []
    permission_classes = [AllowAny]


# A door for signed-in staff: an API token or the portal's session. The token
# comes first because DRF names the first class in WWW-Authenticate, which makes
# an anonymous call a 401 (a 403 with the session first). Each API names its own
# permission classes. (A comment, not a docstring: drf-spectacular would take a
# docstring as the description of every operation below it.)
class StaffApiView(APIView):
    authentication_classes = [TokenAuthentication, SessionAuthentication]
