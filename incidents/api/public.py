"""Public API: report intake, tracking, categories, areas, public map layer.

Anyone may call these endpoints. They never answer with the reporter's
identity or contact, internal notes, or the exact point of a conflict report.
"""

import hashlib
import json
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, renderers, status
from rest_framework.authentication import TokenAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from incidents import public as public_reads
from incidents.models import Category, Desa, Kecamatan, Status
from incidents.serializers import (
    ApiErrorEnvelopeSerializer,
    AreaQuerySerializer,
    CategorySerializer,
    PublicReportSerializer,
    ReportCreatedSerializer,
    ReportCreateSerializer,
)
from incidents.services import incident_create
from incidents.tracking import ALPHABET, LENGTH

TAG_REPORTS = "Laporan warga"
TAG_REFERENCE = "Referensi"


def error(description):
    return OpenApiResponse(ApiErrorEnvelopeSerializer, description=description)


ERR_400 = error("Data tidak valid; kesalahan per isian di error.fields.")
ERR_401 = error("Token tidak valid.")
ERR_403 = error("Tidak berwenang.")
ERR_404 = error("Tidak ditemukan.")
ERR_429 = error("Terlalu banyak permintaan; lihat header Retry-After.")

GEOJSON_SCHEMA = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": {"type": "object", "additionalProperties": True},
                    "properties": {"type": "object", "additionalProperties": True},
                },
            },
        },
    },
}


def tracking_url(code: str) -> str:
    """Absolute link to the citizen's tracking page of one report."""
    try:
        path = reverse("track_code", args=[code])
    except NoReverseMatch:
        path = f"/lacak/{code}/"
    return f"{settings.SITE_URL}{path}"


class _SettingsRateThrottle(AnonRateThrottle):
    """Reads its rate from settings on every request, so a changed setting
    (and a test's override) applies without a restart of the class."""

    def get_rate(self):
        rates = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {})
        if self.scope not in rates:
            raise exceptions.ImproperlyConfigured(f"No throttle rate for scope {self.scope!r}")
        return rates[self.scope]


class ReportSubmitThrottle(_SettingsRateThrottle):
    scope = "report_submit"


class TrackThrottle(_SettingsRateThrottle):
    scope = "track"


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
    """Map layers are GeoJSON whatever the client's Accept header says."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def _validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(exc, "error_dict"):
        return exceptions.ValidationError(exc.message_dict)
    return exceptions.ValidationError({"non_field_errors": exc.messages})


class ReportCreateApi(APIView):
    # No session authentication: anonymous JSON clients need no CSRF token,
    # and a signed-in officer's browser cookie can never be ridden by
    # another site here. Staff apps may send a token (not sent by browsers
    # on their own) to have the report recorded as entered by them.
    authentication_classes = [TokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = [ReportSubmitThrottle]
    parser_classes = [SafeJSONParser, parsers.MultiPartParser, parsers.FormParser]

    @extend_schema(
        operation_id="reports_create",
        tags=[TAG_REPORTS],
        summary="Kirim laporan",
        description=(
            "Siapa saja boleh melapor, tanpa akun. JSON atau multipart/form-data (isian `photos` dapat diulang, "
            "`details` sebagai string JSON). Kiriman ulang dengan `client_uuid` yang sama menjawab 200 dengan "
            "laporan yang sama dan tidak membuat laporan baru. Dibatasi per alamat klien (429)."
        ),
        request={
            "application/json": ReportCreateSerializer,
            "multipart/form-data": ReportCreateSerializer,
            "application/x-www-form-urlencoded": ReportCreateSerializer,
        },
        responses={
            201: ReportCreatedSerializer,
            200: OpenApiResponse(ReportCreatedSerializer, description="Laporan dengan client_uuid ini sudah ada."),
            400: ERR_400,
            401: ERR_401,
            429: ERR_429,
        },
        examples=[
            OpenApiExample(
                "Banjir",
                request_only=True,
                value={
                    "category": "bencana-banjir",
                    "description": "Air Sungai Rupit meluap, 12 rumah terendam setinggi lutut.",
                    "desa": "16.13.01.1007",
                    "details": {"rumah_terendam": 12, "mengungsi": 0},
                    "consent": True,
                    "anonymous": True,
                },
            )
        ],
    )
    def post(self, request):
        serializer = ReportCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["website"]:
            # A bot filled the hidden field: look like success, keep nothing.
            return self._answer(_fake_code(), Status.BARU, timezone.now(), status.HTTP_201_CREATED)
        category = Category.objects.filter(code=data["category"], active=True).first()
        try:
            incident, created = incident_create(
                category=category,
                description=data["description"],
                title=data["title"],
                occurred_at=data["occurred_at"],
                desa_code=data["desa"] or None,
                kecamatan_code=data["kecamatan"] or None,
                lat=data["lat"],
                lng=data["lng"],
                location_detail=data["location_detail"],
                details=data["details"],
                reporter_name=data["reporter_name"],
                reporter_phone=data["reporter_phone"],
                reporter_email=data["reporter_email"],
                anonymous=data["anonymous"],
                confidential=data["confidential"],
                consent=data["consent"],
                photos=data["photos"],
                client_uuid=data["client_uuid"],
                created_by=request.user if request.user.is_authenticated else None,
            )
        except DjangoValidationError as exc:
            raise _validation_error(exc)
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


def _fake_code() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return f"KA-{body[:4]}-{body[4:]}"


class ReportTrackApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TrackThrottle]

    @extend_schema(
        operation_id="reports_track",
        tags=[TAG_REPORTS],
        summary="Lacak laporan",
        description=(
            "Tampilan publik satu laporan: status, kategori, wilayah, waktu, dan riwayat publik. "
            "Tanpa identitas atau kontak pelapor, tanpa catatan internal; laporan konflik dan laporan rahasia "
            "hanya ditunjukkan di titik pusat desa. Kode boleh huruf kecil atau tanpa tanda hubung."
        ),
        parameters=[
            OpenApiParameter(
                "tracking_code", OpenApiTypes.STR, OpenApiParameter.PATH, description="Kode lacak, mis. KA-7K3M-9QX2A"
            )
        ],
        responses={200: PublicReportSerializer, 404: ERR_404, 429: ERR_429},
    )
    def get(self, request, tracking_code):
        incident = public_reads.incident_by_tracking_code(tracking_code)
        if incident is None:
            raise exceptions.NotFound(_("Kode lacak tidak ditemukan."))
        response = Response(PublicReportSerializer(incident).data)
        patch_cache_control(response, private=True, no_cache=True)
        return response


class CategoryListApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="categories_list",
        tags=[TAG_REFERENCE],
        summary="Kategori laporan",
        description="Kategori aktif beserta pertanyaan tambahannya dan layanan SPM yang diisinya.",
        responses={200: CategorySerializer(many=True)},
    )
    def get(self, request):
        categories = Category.objects.filter(active=True).order_by("sort_order", "name")
        response = Response(CategorySerializer(categories, many=True).data)
        patch_cache_control(response, public=True, max_age=300)
        return response


def _point(lat, lng):
    return {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]}


def _area_feature(area, parent_code, jenis):
    return {
        "type": "Feature",
        "id": area.code,
        "geometry": area.boundary or _point(area.lat, area.lng),
        "properties": {
            "code": area.code,
            "name": area.name,
            "parent_code": parent_code,
            "jenis": jenis,
            "centroid": [round(area.lng, 6), round(area.lat, 6)],
        },
    }


def _geojson_response(request, data, *, max_age):
    """A GeoJSON answer with an ETag, so a phone re-downloads nothing unchanged."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    etag = f'"{digest}"'
    if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data)
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=max_age)
    return response


class AreaListApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer]
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="areas_list",
        tags=[TAG_REFERENCE],
        summary="Wilayah (GeoJSON)",
        description=(
            "Kecamatan atau desa/kelurahan sebagai GeoJSON FeatureCollection: poligon batas bila sudah dipasang, "
            "selain itu titik pusat. `parent` menyaring desa per kode kecamatan."
        ),
        parameters=[AreaQuerySerializer],
        responses={
            (200, "application/geo+json"): OpenApiResponse(GEOJSON_SCHEMA),
            (304, "application/geo+json"): OpenApiResponse(description="Tidak berubah (ETag)."),
            (400, "application/geo+json"): ERR_400,
        },
    )
    def get(self, request):
        query = AreaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        level, parent = query.validated_data["level"] or "kecamatan", query.validated_data["parent"].strip()
        if level == "kecamatan":
            if parent and parent != settings.KABUPATEN_CODE:
                raise exceptions.ValidationError({"parent": [_("Kode kabupaten tidak dikenal.")]})
            features = [
                _area_feature(k, settings.KABUPATEN_CODE, "kecamatan") for k in Kecamatan.objects.order_by("code")
            ]
        else:
            desa = Desa.objects.order_by("code")
            if parent:
                if not Kecamatan.objects.filter(code=parent).exists():
                    raise exceptions.ValidationError({"parent": [_("Kode kecamatan tidak dikenal.")]})
                desa = desa.filter(kecamatan_id=parent)
            features = [_area_feature(d, d.kecamatan_id, d.jenis) for d in desa]
        return _geojson_response(request, {"type": "FeatureCollection", "features": features}, max_age=3600)


class PublicMapApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [GeoJSONRenderer]
    content_negotiation_class = FirstRendererNegotiation

    @extend_schema(
        operation_id="reports_public_geojson",
        tags=[TAG_REPORTS],
        summary="Peta laporan publik (GeoJSON)",
        description=(
            "Laporan yang sudah diperiksa petugas dan tidak dirahasiakan. Tanpa identitas pelapor; "
            "laporan konflik ditunjukkan di titik pusat desa."
        ),
        responses={(200, "application/geo+json"): OpenApiResponse(GEOJSON_SCHEMA)},
    )
    def get(self, request):
        response = Response(public_reads.public_geojson())
        patch_cache_control(response, public=True, max_age=60)
        return response


urlpatterns = [
    path("reports/", ReportCreateApi.as_view(), name="api-report-create"),
    path("reports/public.geojson", PublicMapApi.as_view(), name="api-report-public-geojson"),
    path("reports/track/<str:tracking_code>/", ReportTrackApi.as_view(), name="api-report-track"),
    path("categories/", CategoryListApi.as_view(), name="api-categories"),
    path("areas/", AreaListApi.as_view(), name="api-areas"),
]
