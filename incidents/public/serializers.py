"""Public views of a report and of the reference lists. Nothing here ever
outputs the reporter's identity or contact."""

import math

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import Category, EventKind, Status
from incidents.public.layer import DEFAULT_PERIOD, LAYER_FORMATS, PERIODS, PRECISION, LayerQuery
from incidents.public.selectors import original_status, public_events, public_point


class CodeNameSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PublicEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    kind = serializers.ChoiceField(choices=EventKind.choices)
    kind_label = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    note = serializers.CharField()

    def get_kind_label(self, event) -> str:
        return str(EventKind(event.kind).label)

    # null for an event that changes no status (received, note, assignment).
    @extend_schema_field({"type": "string", "nullable": True})
    def get_status(self, event) -> str | None:
        return event.to_status or None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_status_label(self, event) -> str | None:
        return str(Status(event.to_status).label) if event.to_status else None


class PublicPointSerializer(serializers.Serializer):
    lat = serializers.FloatField()
    lng = serializers.FloatField()
    approximate = serializers.BooleanField(help_text=_("true: titik pusat desa, bukan lokasi persis."))


class PublicReportSerializer(serializers.Serializer):
    """What anyone holding the tracking code may see."""

    tracking_code = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.SerializerMethodField()
    category = CodeNameSerializer(read_only=True)
    desa = CodeNameSerializer(read_only=True)
    kecamatan = CodeNameSerializer(read_only=True)
    title = serializers.CharField()
    occurred_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    verified_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    point = serializers.SerializerMethodField()
    duplicate_of = serializers.SerializerMethodField()
    timeline = serializers.SerializerMethodField()

    def get_status_label(self, incident) -> str:
        return str(Status(incident.status).label)

    @extend_schema_field(PublicPointSerializer)
    def get_point(self, incident):
        # Confidential reports, conflicts and points outside the report's desa
        # never reveal the exact point (one rule: public.selectors.public_points).
        lat, lng, approximate = public_point(incident)
        return {"lat": round(lat, 5), "lng": round(lng, 5), "approximate": approximate}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "Untuk laporan duplikat: status laporan yang menampungnya (tanpa kode, judul, atau titiknya).",
            "properties": {"status": {"type": "string"}, "status_label": {"type": "string"}},
            "required": ["status", "status_label"],
        }
    )
    def get_duplicate_of(self, incident):
        original = original_status(incident)
        if original is None:
            return None
        return {"status": original, "status_label": str(Status(original).label)}

    @extend_schema_field(PublicEventSerializer(many=True))
    def get_timeline(self, incident):

        return PublicEventSerializer(public_events(incident), many=True).data


class QuestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField(required=False)
    type = serializers.ChoiceField(choices=["text", "textarea", "integer", "boolean", "choice"])
    required = serializers.BooleanField()
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()), required=False)
    min = serializers.IntegerField(required=False)
    max = serializers.IntegerField(required=False)


class CategorySerializer(serializers.ModelSerializer):
    group_label = serializers.CharField(source="get_group_display")
    questions = serializers.SerializerMethodField()
    spm_service = serializers.SerializerMethodField()

    class Meta:
        model = Category
        fields = [
            "code",
            "name",
            "name_en",
            "group",
            "group_label",
            "description",
            "default_priority",
            "questions",
            "spm_service",
        ]

    @extend_schema_field(QuestionSerializer(many=True))
    def get_questions(self, category):
        return category.citizen_questions()

    @extend_schema_field({"type": "string", "nullable": True, "description": "Kode layanan SPM, atau null."})
    def get_spm_service(self, category):
        return category.spm_service or None


class AreaQuerySerializer(serializers.Serializer):
    level = serializers.ChoiceField(
        choices=["kecamatan", "desa"],
        required=False,
        allow_blank=True,
        default="kecamatan",
        help_text=_("Bawaan: kecamatan."),
    )
    parent = serializers.CharField(max_length=13, required=False, allow_blank=True, default="")


BBOX_HELP = _(
    "Batas peta: bujur barat, lintang selatan, bujur timur, lintang utara (WGS84), mis. 102.6,-2.9,103.2,-2.4."
)


class PublicLayerQuerySerializer(serializers.Serializer):
    """Filters of the public map layer. `since` wins over `period`; neither: the last 30 days."""

    period = serializers.ChoiceField(
        choices=list(PERIODS),
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Laporan yang diterima dalam 7, 30, atau 90 hari terakhir. Bawaan: 30d."),
        error_messages={"invalid_choice": _("Periode harus salah satu dari: 7d, 30d, 90d.")},
    )
    since = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text=_("Laporan yang diterima sejak tanggal ini (WIB), format TTTT-BB-HH."),
        error_messages={"invalid": _("Tanggal harus berformat TTTT-BB-HH, mis. 2026-01-31.")},
    )
    bbox = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        max_length=120,
        help_text=BBOX_HELP,
        error_messages={"max_length": _("Batas peta terlalu panjang.")},
    )

    format = serializers.ChoiceField(
        choices=LAYER_FORMATS,
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "compact (bawaan): properti singkat k, s, d, t dengan tabel nama, untuk peta situs. full: properti "
            "bernama (category, status, desa, kecamatan, date, approximate) dan id fitur yang tetap, untuk "
            "aplikasi GIS seperti QGIS."
        ),
        error_messages={"invalid_choice": _("Format harus compact atau full.")},
    )

    def validate_since(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError(_("Tanggal tidak boleh di masa depan."))
        if value.year < 2000:
            raise serializers.ValidationError(_("Tanggal terlalu lama (paling awal tahun 2000)."))
        return value

    def validate_bbox(self, value):
        if not value.strip():
            return None
        message = _("Batas peta harus empat angka: bujur barat, lintang selatan, bujur timur, lintang utara.")
        parts = value.split(",")
        try:
            numbers = [float(p) for p in parts]
        except ValueError:
            raise serializers.ValidationError(message)
        if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
            raise serializers.ValidationError(message)
        min_lng, min_lat, max_lng, max_lat = numbers
        if not (-180 <= min_lng <= max_lng <= 180 and -90 <= min_lat <= max_lat <= 90):
            raise serializers.ValidationError(
                _("Batas peta tidak masuk akal: barat harus di kiri timur, selatan di bawah utara.")
            )
        return tuple(round(n, PRECISION) for n in numbers)

    def layer_query(self) -> LayerQuery:
        data = self.validated_data
        full = data["format"] == "full"
        if data.get("since"):
            return LayerQuery(since=data["since"], bbox=data["bbox"], full=full)
        return LayerQuery.for_period(data["period"] or DEFAULT_PERIOD, bbox=data["bbox"], full=full)
