"""Public views of a report and of the reference lists. Nothing here ever
outputs the reporter's identity or contact."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.intake.links import tracking_url
from incidents.models import Category, EventKind, Status
from incidents.public.selectors import public_events


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

    @extend_schema_field(OpenApiTypes.STR)
    def get_status(self, event) -> str | None:
        return event.to_status or None

    @extend_schema_field(OpenApiTypes.STR)
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
    category = serializers.SerializerMethodField()
    desa = serializers.SerializerMethodField()
    kecamatan = serializers.SerializerMethodField()
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

    @extend_schema_field(CodeNameSerializer)
    def get_category(self, incident):
        return {"code": incident.category.code, "name": incident.category.name}

    @extend_schema_field(CodeNameSerializer)
    def get_desa(self, incident):
        return {"code": incident.desa.code, "name": incident.desa.name}

    @extend_schema_field(CodeNameSerializer)
    def get_kecamatan(self, incident):
        return {"code": incident.kecamatan.code, "name": incident.kecamatan.name}

    @extend_schema_field(PublicPointSerializer(allow_null=True))
    def get_point(self, incident):
        # Confidential reports and conflicts never reveal the exact point.
        if incident.confidential or incident.category.is_conflict or incident.lat is None:
            return {"lat": round(incident.desa.lat, 5), "lng": round(incident.desa.lng, 5), "approximate": True}
        return {"lat": round(incident.lat, 5), "lng": round(incident.lng, 5), "approximate": False}

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {"tracking_code": {"type": "string"}, "tracking_url": {"type": "string", "format": "uri"}},
        }
    )
    def get_duplicate_of(self, incident):

        original = incident.duplicate_of if incident.status == Status.DUPLIKAT else None
        if original is None:
            return None
        return {"tracking_code": original.tracking_code, "tracking_url": tracking_url(original.tracking_code)}

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
