"""Public read API: tracking, categories, areas, the public map layer.

Never the reporter's identity or contact, internal notes, or the exact point of a conflict report."""

from django.conf import settings
from django.urls import path
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from incidents.intake.api import TAG_REPORTS
from incidents.intake.tracking import incident_by_tracking_code
from incidents.models import Category, Desa, Kecamatan
from incidents.public import cache as public_cache
from incidents.public.layer import LAYER_FORMATS, PERIODS, layer_bytes
from incidents.public.serializers import (
    AreaQuerySerializer,
    CategorySerializer,
    PublicLayerQuerySerializer,
    PublicReportSerializer,
)
from kitaaman import region
from kitaaman.api_common import AnonymousApiView, FirstRendererNegotiation, GeoJSONRenderer
from kitaaman.api_schema import ERR_400, ERR_404, ERR_429, blank_or
from kitaaman.ratelimit import AddressThrottle

TAG_REFERENCE = "Referensi"
GEOJSON = "application/geo+json"
NOT_MODIFIED = OpenApiResponse(description="Tidak berubah (ETag).")


def geojson_responses(schema: dict) -> dict:
    """A cached GeoJSON answer: the collection, 304 for a matching ETag, 400 for a bad query."""
    return {(200, GEOJSON): OpenApiResponse(schema), (304, GEOJSON): NOT_MODIFIED, (400, GEOJSON): ERR_400}


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


def _lookup(*names):
    return {
        "type": "array",
        "items": {
            "type": "object",
            "required": list(names),
            "properties": {name: {"type": "string"} for name in names},
        },
    }


POINT_SCHEMA = {
    "type": "object",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"type": "string", "enum": ["Point"]},
        "coordinates": {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2},
    },
}
COMPACT_LAYER_SCHEMA = {
    "type": "object",
    "title": "Ringkas (bawaan)",
    "required": ["type", "since", "more", "categories", "statuses", "desa", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "since": {"type": "string", "format": "date", "description": "Laporan yang diterima sejak tanggal ini."},
        "more": {"type": "boolean", "description": "true: ada laporan lebih lama yang tidak dimuat."},
        "categories": _lookup("code", "name", "group"),
        "statuses": _lookup("code", "name"),
        "desa": _lookup("code", "name", "kecamatan"),
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "geometry": POINT_SCHEMA,
                    "properties": {
                        "type": "object",
                        "required": ["k", "s", "d", "t"],
                        "properties": {
                            "k": {"type": "integer", "description": "Indeks di categories."},
                            "s": {"type": "integer", "description": "Indeks di statuses."},
                            "d": {"type": "integer", "description": "Indeks di desa."},
                            "t": {
                                "type": "integer",
                                "minimum": 0,
                                "description": "Hari diterima (WIB) setelah since; 0 = tanggal since.",
                            },
                            "a": {"type": "integer", "enum": [1], "description": "Ada: titik pusat desa."},
                        },
                    },
                },
            },
        },
    },
}
FULL_PROPERTIES = {
    "category": ("string", "Kode kategori."),
    "category_name": ("string", "Nama kategori."),
    "category_group": ("string", "Kelompok kategori."),
    "status": ("string", "Kode status."),
    "status_name": ("string", "Nama status."),
    "desa": ("string", "Kode Kemendagri desa/kelurahan."),
    "desa_name": ("string", "Nama desa/kelurahan."),
    "kecamatan": ("string", "Nama kecamatan."),
    "date": ("string", "Tanggal diterima (WIB)."),
    "approximate": ("boolean", "true: titik pusat desa, bukan lokasi persis."),
}
FULL_LAYER_SCHEMA = {
    "type": "object",
    "title": "Lengkap (format=full)",
    "required": ["type", "since", "more", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "since": {"type": "string", "format": "date"},
        "more": {"type": "boolean"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "geometry", "properties"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "string", "description": "Pengenal tetap titik ini (bukan kode lacak)."},
                    "geometry": POINT_SCHEMA,
                    "properties": {
                        "type": "object",
                        "required": list(FULL_PROPERTIES),
                        "properties": {
                            name: {"type": kind, "description": text} | ({"format": "date"} if name == "date" else {})
                            for name, (kind, text) in FULL_PROPERTIES.items()
                        },
                    },
                },
            },
        },
    },
}
PUBLIC_LAYER_SCHEMA = {"anyOf": [COMPACT_LAYER_SCHEMA, FULL_LAYER_SCHEMA]}


class TrackThrottle(AddressThrottle):
    # The tracking page counts in the same bucket (public.views.track).
    scope = "track"


class ReportTrackApi(AnonymousApiView):
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
        incident = incident_by_tracking_code(tracking_code)
        if incident is None:
            raise exceptions.NotFound(_("Kode lacak tidak ditemukan."))
        response = Response(PublicReportSerializer(incident).data)
        patch_cache_control(response, private=True, no_cache=True)
        return response


class CategoryListApi(AnonymousApiView):
    @extend_schema(
        operation_id="categories_list",
        tags=[TAG_REFERENCE],
        summary="Kategori laporan",
        description="Kategori aktif beserta pertanyaan tambahannya dan layanan SPM yang diisinya.",
        responses={
            200: CategorySerializer(many=True),
            304: NOT_MODIFIED,
        },
    )
    def get(self, request):
        entry = public_cache.cached_entry(public_cache.REFERENCE, "categories", (), _categories_bytes)
        return public_cache.answer(request, entry, content_type="application/json", max_age=300)


def _categories_bytes() -> bytes:
    categories = Category.objects.filter(active=True).order_by("sort_order", "name")
    return JSONRenderer().render(CategorySerializer(categories, many=True).data)


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


class PublicGeoJSONApi(AnonymousApiView):
    """A GeoJSON read anyone may make (no sign-in), answered as GeoJSON whatever the client accepts."""

    renderer_classes = [GeoJSONRenderer]
    content_negotiation_class = FirstRendererNegotiation


class AreaListApi(PublicGeoJSONApi):
    @extend_schema(
        operation_id="areas_list",
        tags=[TAG_REFERENCE],
        summary="Wilayah (GeoJSON)",
        description=(
            "Kecamatan atau desa/kelurahan sebagai GeoJSON FeatureCollection: poligon batas bila sudah dipasang, "
            "selain itu titik pusat. `parent` menyaring desa per kode kecamatan."
        ),
        parameters=[AreaQuerySerializer],
        responses=geojson_responses(GEOJSON_SCHEMA),
    )
    def get(self, request):
        query = AreaQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        level, parent = query.validated_data["level"] or "kecamatan", query.validated_data["parent"].strip()
        if level == "kecamatan" and parent and parent != region.current().code:
            raise exceptions.ValidationError({"parent": [_("Kode kabupaten/kota tidak dikenal.")]})
        if level == "desa" and parent and not Kecamatan.objects.offered().filter(code=parent).exists():
            raise exceptions.ValidationError({"parent": [_("Kode kecamatan tidak dikenal.")]})
        entry = public_cache.cached_entry(
            public_cache.REFERENCE, "areas", (level, parent), lambda: _areas_bytes(level, parent)
        )
        return public_cache.answer(request, entry, content_type=GEOJSON, max_age=3600)


def _areas_bytes(level: str, parent: str) -> bytes:
    if level == "kecamatan":
        features = [
            _area_feature(k, region.current().code, "kecamatan") for k in Kecamatan.objects.offered().order_by("code")
        ]
    else:
        desa = Desa.objects.offered().order_by("code")
        if parent:
            desa = desa.filter(kecamatan_id=parent)
        features = [_area_feature(d, d.kecamatan_id, d.jenis) for d in desa]
    return GeoJSONRenderer().render({"type": "FeatureCollection", "features": features})


class PublicMapApi(PublicGeoJSONApi):
    @extend_schema(
        operation_id="reports_public_geojson",
        tags=[TAG_REPORTS],
        summary="Peta laporan publik (GeoJSON)",
        description=(
            "Laporan yang sudah diperiksa petugas dan tidak dirahasiakan, terbaru lebih dulu, paling banyak "
            f"{settings.KITAAMAN_PUBLIC_LAYER_LIMIT} titik (`more`: masih ada yang lebih lama). Tanpa identitas "
            "pelapor; laporan konflik ditunjukkan di titik pusat desa. Ringkas: setiap titik hanya membawa "
            "`k` (indeks di `categories`), `s` (indeks di `statuses`), `d` (indeks di `desa`), `t` (hari "
            "diterima, WIB, dihitung dari `since`: 0 = tanggal `since`) dan `a: 1` bila titiknya titik pusat desa. Koordinat dibulatkan 4 desimal. "
            "Untuk aplikasi GIS (QGIS, GDAL): `format=full` memberi properti bernama (category, status, desa, "
            "kecamatan, date, approximate) dan `id` fitur yang tetap pada setiap titik, tanpa tabel nama. "
            "Dengan ETag: kirim If-None-Match untuk jawaban 304 tanpa isi."
        ),
        parameters=[
            OpenApiParameter(
                name, blank_or(schema), OpenApiParameter.QUERY, description=str(field.help_text), required=False
            )
            for name, field, schema in (
                ("period", PublicLayerQuerySerializer().fields["period"], {"type": "string", "enum": list(PERIODS)}),
                ("since", PublicLayerQuerySerializer().fields["since"], {"type": "string", "format": "date"}),
                ("bbox", PublicLayerQuerySerializer().fields["bbox"], {"type": "string", "maxLength": 120}),
                (
                    "format",
                    PublicLayerQuerySerializer().fields["format"],
                    {"type": "string", "enum": list(LAYER_FORMATS)},
                ),
            )
        ],
        responses=geojson_responses(PUBLIC_LAYER_SCHEMA),
    )
    def get(self, request):
        query = PublicLayerQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        layer_query = query.layer_query()
        entry = public_cache.cached_entry(
            public_cache.LAYER, "map", layer_query.cache_params(), lambda: layer_bytes(layer_query)
        )
        return public_cache.answer(request, entry, content_type=GEOJSON, max_age=60)


urlpatterns = [
    path("reports/public.geojson", PublicMapApi.as_view(), name="api-report-public-geojson"),
    path("reports/track/<str:tracking_code>/", ReportTrackApi.as_view(), name="api-report-track"),
    path("categories/", CategoryListApi.as_view(), name="api-categories"),
    path("areas/", AreaListApi.as_view(), name="api-areas"),
]
