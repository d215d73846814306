"""Public read API: tracking, categories, areas, the public map layer.

Never the reporter's identity or contact, internal notes, or the exact point of a conflict report."""

import hashlib
import json

from django.conf import settings
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.intake.api import TAG_REPORTS
from incidents.models import Category, Desa, Kecamatan
from incidents.public import selectors as public_reads
from incidents.public.serializers import AreaQuerySerializer, CategorySerializer, PublicReportSerializer
from kitaaman.api_common import FirstRendererNegotiation, GeoJSONRenderer, SettingsRateThrottle
from kitaaman.api_schema import ERR_400, ERR_404, ERR_429

TAG_REFERENCE = "Referensi"


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


class TrackThrottle(SettingsRateThrottle):
    scope = "track"


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
    path("reports/public.geojson", PublicMapApi.as_view(), name="api-report-public-geojson"),
    path("reports/track/<str:tracking_code>/", ReportTrackApi.as_view(), name="api-report-track"),
    path("categories/", CategoryListApi.as_view(), name="api-categories"),
    path("areas/", AreaListApi.as_view(), name="api-areas"),
]
