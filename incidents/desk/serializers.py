"""Serializers of the staff API (/api/v1/incidents/...).

Input serializers only check shapes; the rules live in the services. Output
serializers receive `user` in their context and mask the reporter's identity
as `permissions.can_see_identity` says.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents import permissions
from incidents.audit import actor_label
from incidents.intake.serializers import BoundedDateTimeField, DetailsField, ReporterInput
from incidents.models import Channel, Priority, Status
from incidents.selectors import events_for_user
from incidents.workflow import sla
from kitaaman.api_fields import StrictSerializer

MASKED = _("Dirahasiakan")


# --- input --------------------------------------------------------------------------------------


class IncidentCreateInput(ReporterInput):
    """A report entered by staff on behalf of a citizen (phone, walk-in, patrol)."""

    category = serializers.CharField(max_length=40, help_text=_("Kode kategori."))
    description = serializers.CharField(max_length=5000, trim_whitespace=True)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    desa = serializers.CharField(max_length=13, required=False, allow_blank=True, default="")
    kecamatan = serializers.CharField(max_length=8, required=False, allow_blank=True, default="")
    lat = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-180, max_value=180)
    location_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    occurred_at = BoundedDateTimeField(required=False, allow_null=True, default=None)
    reported_at = BoundedDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Waktu laporan diterima (misalnya saat telepon masuk); tidak boleh di masa depan."),
    )
    details = DetailsField(required=False, default=dict)
    consent = serializers.BooleanField(
        help_text=_("Pelapor menyetujui pemrosesan data pribadinya (dinyatakan lisan kepada petugas).")
    )
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.TELEPON)
    client_uuid = serializers.UUIDField(required=False, allow_null=True, default=None)

    def validate_reported_at(self, value):
        if value and value > timezone.now() + timezone.timedelta(minutes=5):
            raise serializers.ValidationError(_("Waktu laporan tidak boleh di masa depan."))
        return value


class IncidentUpdateInput(StrictSerializer):
    """Triage fields; send only those that change, with the version you read."""

    version = serializers.IntegerField(min_value=1, help_text=_("Versi laporan yang Anda baca."))
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = serializers.CharField(max_length=40, required=False)
    desa = serializers.CharField(max_length=13, required=False)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=5000, required=False)
    location_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)
    details = DetailsField(required=False)
    arrived_at = BoundedDateTimeField(required=False, allow_null=True)
    spm_must_serve = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True)
    spm_served = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False, allow_null=True)
    confidential = serializers.BooleanField(
        required=False, help_text=_("true: keluarkan dari peta publik. Tidak dapat dibatalkan.")
    )

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Kolom ini tidak dapat diubah di sini.")] for name in unknown})
        if len(attrs) == 1:
            raise serializers.ValidationError({"non_field_errors": [_("Tidak ada perubahan yang dikirim.")]})
        return attrs


class TransitionInput(StrictSerializer):
    to = serializers.ChoiceField(choices=Status.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    public = serializers.BooleanField(
        required=False, default=False, help_text=_("Tampilkan catatan di halaman lacak warga.")
    )
    version = serializers.IntegerField(min_value=1)
    duplicate_of = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Kode lacak atau id laporan asli (untuk status duplikat)."),
    )

    def validate_duplicate_of(self, value):
        return value or None


class AssignmentInput(StrictSerializer):
    agency = serializers.SlugField(max_length=30)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class AssignmentCompleteInput(StrictSerializer):
    note = serializers.CharField(max_length=5000)


class NoteInput(StrictSerializer):
    text = serializers.CharField(max_length=5000)
    public = serializers.BooleanField(required=False, default=False)


class TokenInput(StrictSerializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False, style={"input_type": "password"})


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()


# --- output -------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class UserNameField(serializers.Field):
    """The name of the user at `source`, as the history names people
    (incidents.audit.actor_label); "" without a user."""

    missing = ""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, instance):
        user = super().get_attribute(instance)
        return self.missing if user is None else actor_label(user)

    def to_representation(self, value):
        return value


@extend_schema_field({"type": "string", "nullable": True})
class OptionalUserNameField(UserNameField):
    """The name of the user at `source`; null without a user."""

    missing = None


class AssignmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agency = serializers.CharField(source="agency.code")
    agency_name = serializers.CharField(source="agency.__str__")
    assigned_at = serializers.DateTimeField()
    assigned_by = UserNameField()
    note = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = UserNameField()
    completion_note = serializers.CharField()


class EventOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    actor = serializers.CharField(source="actor_label")
    created_at = serializers.DateTimeField()
    from_status = serializers.CharField()
    to_status = serializers.CharField()
    note = serializers.CharField()
    public = serializers.BooleanField()
    data = serializers.JSONField()


class PhotoOutput(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    # Through the staff API (access-checked), never the media URL itself.
    def _absolute(self, name, obj) -> str:
        url = reverse(name, args=[obj.incident_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_url(self, obj) -> str:
        return self._absolute("api-incident-photo", obj)

    def get_thumbnail_url(self, obj) -> str:
        return self._absolute("api-incident-photo-thumb", obj)


class IncidentListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    priority = serializers.IntegerField()
    priority_label = serializers.CharField(source="get_priority_display")
    category = serializers.CharField(source="category.code")
    category_name = serializers.CharField(source="category.name")
    kecamatan = serializers.CharField(source="kecamatan_id")
    kecamatan_name = serializers.CharField(source="kecamatan.name")
    desa = serializers.CharField(source="desa_id")
    desa_name = serializers.CharField(source="desa.name")
    title = serializers.CharField()
    channel = serializers.CharField()
    reported_at = serializers.DateTimeField()
    created_at = serializers.DateTimeField()
    due_at = serializers.DateTimeField(allow_null=True)
    sla_state = serializers.SerializerMethodField()
    agencies = serializers.SerializerMethodField()
    version = serializers.IntegerField()

    @extend_schema_field(serializers.ChoiceField(choices=["overdue", "due_soon", "on_time"], allow_null=True))
    def get_sla_state(self, obj):
        return sla.sla_state(obj, now=self.context.get("now"))

    def get_agencies(self, obj) -> list[str]:
        return [a.agency.code for a in obj.assignments.all()]


class ReporterOutput(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    anonymous = serializers.BooleanField()
    hidden = serializers.BooleanField(help_text=_("true: identitas disamarkan untuk pengguna ini."))


class DuplicateRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    tracking_code = serializers.CharField()


class IncidentDetailOutput(IncidentListOutput):
    description = serializers.CharField()
    details = serializers.JSONField()
    location_detail = serializers.CharField()
    lat = serializers.FloatField(allow_null=True)
    lng = serializers.FloatField(allow_null=True)
    occurred_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()
    confidential = serializers.BooleanField()
    reporter = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    can_edit = serializers.SerializerMethodField()
    can_assign = serializers.SerializerMethodField()
    verify_due_at = serializers.DateTimeField(allow_null=True)
    followup_due_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)
    verified_at = serializers.DateTimeField(allow_null=True)
    handled_at = serializers.DateTimeField(allow_null=True)
    first_response_at = serializers.DateTimeField(allow_null=True)
    arrived_at = serializers.DateTimeField(allow_null=True)
    response_minutes = serializers.SerializerMethodField()
    response_standard_minutes = serializers.SerializerMethodField()
    resolved_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    spm_must_serve = serializers.IntegerField(allow_null=True)
    spm_served = serializers.IntegerField(allow_null=True)
    duplicate_of = serializers.SerializerMethodField()
    assignments = AssignmentOutput(many=True)
    events = serializers.SerializerMethodField()
    photos = PhotoOutput(many=True)

    def _user(self):
        return self.context["user"]

    @extend_schema_field(ReporterOutput)
    def get_reporter(self, obj):
        visible = permissions.can_see_identity(self._user(), obj)
        if visible:
            return {
                "name": obj.reporter_name,
                "phone": obj.reporter_phone,
                "email": obj.reporter_email,
                "anonymous": obj.anonymous,
                "hidden": False,
            }
        masked = str(MASKED)
        return {"name": masked, "phone": masked, "email": masked, "anonymous": obj.anonymous, "hidden": True}

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Status.choices)))
    def get_allowed_transitions(self, obj):
        return permissions.allowed_transitions(self._user(), obj)

    def get_can_edit(self, obj) -> bool:
        return permissions.can_edit(self._user(), obj)

    def get_can_assign(self, obj) -> bool:
        return permissions.can_assign(self._user(), obj)

    def get_response_minutes(self, obj) -> int | None:
        return sla.response_minutes(obj)

    def get_response_standard_minutes(self, obj) -> int | None:
        return sla.response_standard_minutes(obj)

    @extend_schema_field(DuplicateRefOutput(allow_null=True))
    def get_duplicate_of(self, obj):
        if obj.duplicate_of_id is None:
            return None
        return {"id": obj.duplicate_of_id, "tracking_code": obj.duplicate_of.tracking_code}

    @extend_schema_field(EventOutput(many=True))
    def get_events(self, obj):

        return EventOutput(events_for_user(self._user(), obj), many=True).data


class AssignmentCreatedOutput(AssignmentOutput):
    incident_version = serializers.IntegerField(source="incident.version")
    warnings = serializers.SerializerMethodField(
        help_text=_("Hal yang perlu diketahui koordinator, misalnya instansi yang tidak dapat diberi tahu.")
    )

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, obj):
        return list(self.context.get("warnings", []))
