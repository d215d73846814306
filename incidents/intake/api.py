"""Public report intake over the API: POST /api/v1/reports/."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.intake.quota import (
    DEVICE_HEADER,
    device_token_bucket,
    device_token_issue,
    device_token_max_age,
    report_hold,
)
from incidents.intake.serializers import (
    ReportCreatedSerializer,
    ReportCreateJsonSerializer,
    ReportCreateSerializer,
    created_once,
)
from incidents.intake.services import report_submit
from incidents.intake.submission import Submission
from incidents.intake.tracking import new_tracking_code
from incidents.links import tracking_url
from incidents.models import Category, Status
from kitaaman.api_common import AnonymousApiView, SafeJSONParser, validation_error
from kitaaman.api_schema import ERR_400, ERR_401, ERR_429

TAG_REPORTS = "Laporan warga"


class ReportCreateApi(APIView):
    # No session authentication: anonymous JSON clients need no CSRF token,
    # and a signed-in officer's browser cookie can never be ridden by
    # another site here. Staff apps may send a token (not sent by browsers
    # on their own) to have the report recorded as entered by them.
    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]
    # Limited by incidents.intake.quota, which counts accepted reports only.
    throttle_classes = []
    parser_classes = [SafeJSONParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        operation_id="reports_create",
        tags=[TAG_REPORTS],
        summary="Kirim laporan",
        description=(
            "Siapa saja boleh melapor, tanpa akun. JSON atau multipart/form-data (isian `photos` dapat diulang, "
            "`details` sebagai string JSON). Kiriman ulang dengan `client_uuid` yang sama menjawab 200 dengan "
            "laporan yang sama dan tidak membuat laporan baru. Hanya laporan yang diterima yang dihitung: per perangkat "
            "(header `X-Device-Token`, lihat /api/v1/reports/device-token/) atau per alamat tanpa token, dan "
            "seluruhnya per alamat (429)."
        ),
        parameters=[
            OpenApiParameter(
                DEVICE_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=False,
                description="Token perangkat dari POST /api/v1/reports/device-token/ (batas per perangkat).",
            )
        ],
        # JSON without photos, multipart with them; each its own component, so a
        # generated client has one type per content type (form-urlencoded is still
        # accepted but not offered: it cannot carry photos).
        request={
            "application/json": ReportCreateJsonSerializer,
            "multipart/form-data": ReportCreateSerializer,
        },
        responses={**created_once(ReportCreatedSerializer), 400: ERR_400, 401: ERR_401, 429: ERR_429},
        examples=[
            OpenApiExample(
                "Banjir",
                request_only=True,
                value={
                    "category": "bencana-banjir",
                    "description": "Air sungai meluap, 12 rumah terendam setinggi lutut.",
                    "desa": "16.73.01.1001",
                    "details": {"rumah_terendam": 12, "mengungsi": 0},
                    "consent": True,
                    "anonymous": True,
                },
            )
        ],
    )
    def post(self, request):
        with report_hold(request) as hold:
            if hold.wait:
                raise exceptions.Throttled(wait=hold.wait)
            return self._create(request, hold)

    def _create(self, request, hold):
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["website"]:
            # A bot filled the hidden field: look like success, keep nothing.
            return self._answer(new_tracking_code(), Status.BARU, timezone.now(), status.HTTP_201_CREATED)
        category = Category.objects.filter(code=data["category"], active=True).first()
        try:
            incident, created = report_submit(
                Submission.from_fields(
                    data,
                    category=category,
                    entered_by=request.user if request.user.is_authenticated else None,
                )
            )
        except DjangoValidationError as exc:
            raise validation_error(exc)
        if created:
            hold.keep()
        return self._answer(
            incident.tracking_code,
            incident.status,
            incident.created_at,
            status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )

    def _answer(self, code, state, created_at, http_status):
        body = {
            "tracking_code": code,
            "tracking_url": tracking_url(code),
            "status": state,
            "status_label": str(Status(state).label),
            "created_at": created_at,
        }
        return Response(ReportCreatedSerializer(body).data, status=http_status)


class DeviceTokenOutput(serializers.Serializer):
    device_token = serializers.CharField()
    expires_in_days = serializers.IntegerField()


class DeviceTokenApi(AnonymousApiView):
    """A signed token naming one phone, so that it gets its own report limit
    even when many phones share one address (carrier-grade NAT)."""

    @extend_schema(
        operation_id="reports_device_token",
        tags=[TAG_REPORTS],
        summary="Token perangkat untuk mengirim laporan",
        description=(
            "Aplikasi atau antrean luring meminta token ini sekali dan mengirimkannya dalam header "
            "`X-Device-Token` bersama setiap laporan: batas laporan lalu berlaku per perangkat, bukan per "
            "alamat yang dipakai bersama banyak ponsel. Token tidak memuat data pribadi. Token baru dibatasi "
            "per alamat (429)."
        ),
        request=None,
        responses={201: DeviceTokenOutput, 429: ERR_429},
    )
    def post(self, request):
        wait = device_token_bucket(request).take()
        if wait:
            raise exceptions.Throttled(wait=wait)
        body = {"device_token": device_token_issue(), "expires_in_days": device_token_max_age() // 86400}
        return Response(DeviceTokenOutput(body).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("reports/", ReportCreateApi.as_view(), name="api-report-create"),
    path("reports/device-token/", DeviceTokenApi.as_view(), name="api-report-device-token"),
]
