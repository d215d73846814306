"""Token for the staff API: /api/v1/auth/token/."""

from django.contrib.auth import authenticate
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token
from rest_framework.response import Response

from incidents import audit
from incidents.desk.serializers import (
    TokenInput,
    TokenOutput,
)
from incidents.staff.services import api_token_check
from kitaaman.api_common import AnonymousApiView, validated
from kitaaman.api_errors import ApiError
from kitaaman.api_schema import ERR_400, ERR_403, ERR_429, operation_schema
from kitaaman.ratelimit import AddressThrottle

TAG_AUTH = "Autentikasi"


class TokenThrottle(AddressThrottle):
    """Token requests per client address (the portal's one limiter)."""

    scope = "token"


class TokenApi(AnonymousApiView):
    """Exchange a staff account's username and password for an API token."""

    throttle_classes = [TokenThrottle]

    @operation_schema(
        "auth_token",
        "Minta token API (akun petugas)",
        tag=TAG_AUTH,
        ok={200: TokenOutput},
        errors={400: ERR_400, 403: ERR_403, 429: ERR_429},
        request=TokenInput,
    )
    def post(self, request):
        data = validated(TokenInput, request.data)
        # authenticate() goes through django-axes (lockout) and sends
        # user_login_failed, which incidents.audit records.
        user = authenticate(request._request, username=data["username"], password=data["password"])
        # A locked-out account gets 429 from django-axes' middleware
        # (incidents.audit.lockout_response), whatever is answered here.
        if user is None or not user.is_active:
            raise ApiError(_("Nama pengguna atau kata sandi salah."), code="invalid_credentials", status_code=400)
        api_token_check(user, request=request._request)
        token, _created = Token.objects.get_or_create(user=user)
        audit.record("auth.login", user=user, request=request._request, data={"via": "token"})
        return Response({"token": token.key})


urlpatterns = [
    path("auth/token/", TokenApi.as_view(), name="api-token"),
]
