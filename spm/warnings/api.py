"""Staff API of the early warnings: /api/v1/warnings/.

Same token/session authentication and error envelope as the rest of the
staff API. A write the caller's role may never do is a 403 before any lookup
(the *_check functions of permissions.py, as on the desk pages); a warning
that does not exist is a 404; the author of a draft publishing it is a 403
(four-eyes rule).
"""

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field
from rest_framework import serializers, status
from rest_framework.response import Response

from incidents.desk.api import IsDeskUser
from incidents.desk.serializers import OptionalUserNameField
from kitaaman.api_common import ClearCursorPagination, StaffApiView, validated
from kitaaman.api_errors import ApiError
from kitaaman.api_schema import ERR_400, ERR_401, error, operation_schema
from kitaaman.http import client_ip

from . import permissions, selectors, services
from .cap import cap_url, public_url
from .delivery import delivery_progress
from .models import Alert, CancelReason, CapCategory, Certainty, EventType, MsgType, Severity, State, Urgency
from .validators import validate_warning_text

TAG = "Peringatan dini (petugas)"


ERR_403 = error("Peran Anda tidak berwenang, atau Anda penyusun draf ini (prinsip empat mata).")
ERR_404 = error("Peringatan tidak ditemukan.")
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="Id peringatan.")
ONE_ERRORS = {400: ERR_400, 401: ERR_401, 403: ERR_403, 404: ERR_404}
READ_ONE_ERRORS = {401: ERR_401, 403: ERR_403, 404: ERR_404}


def warning_schema(operation_id, summary, *, ok, errors=None, **more):
    """A warnings operation: 400, 401 and 403 besides its own `ok`; those on
    one warning pass ONE_ERRORS (or READ_ONE_ERRORS for a read)."""
    errors = {400: ERR_400, 401: ERR_401, 403: ERR_403} if errors is None else errors
    return operation_schema(operation_id, summary, tag=TAG, ok=ok, errors=errors, **more)


class AlertInput(serializers.Serializer):
    event = serializers.ChoiceField(choices=EventType.choices)
    category = serializers.ChoiceField(
        choices=CapCategory.choices, required=False, help_text="Bawaan menurut jenis kejadian."
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    severity = serializers.ChoiceField(choices=Severity.choices)
    certainty = serializers.ChoiceField(choices=Certainty.choices)
    headline = serializers.CharField(max_length=160, validators=[validate_warning_text])
    description = serializers.CharField(validators=[validate_warning_text])
    instruction = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_warning_text]
    )
    headline_en = serializers.CharField(
        max_length=160, required=False, allow_blank=True, default="", validators=[validate_warning_text]
    )
    description_en = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_warning_text]
    )
    instruction_en = serializers.CharField(
        required=False, allow_blank=True, default="", validators=[validate_warning_text]
    )
    onset = serializers.DateTimeField(required=False, allow_null=True, default=None)
    expires = serializers.DateTimeField()
    areas = serializers.ListField(
        child=serializers.CharField(max_length=13, validators=[validate_warning_text]),
        min_length=1,
        max_length=services.MAX_AREAS,
        help_text="Kode Kemendagri kecamatan (pp.kk.cc) atau desa (pp.kk.cc.dddd).",
    )
    msg_type = serializers.ChoiceField(choices=MsgType.choices, default=MsgType.ALERT)
    references = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        validators=[validate_warning_text],
        help_text="Untuk Update/Cancel: id atau identitas CAP peringatan yang terbit.",
    )


class AlertCancelInput(serializers.Serializer):
    reason_code = serializers.ChoiceField(
        choices=CancelReason.choices,
        required=False,
        help_text="Alasan baku (dikirim ke warga): pembatalan terbit seketika.",
    )
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        validators=[validate_warning_text],
        help_text=(
            "Alasan yang ditulis sendiri (dikirim ke warga): pembatalan menjadi draf yang terbit setelah disetujui "
            "orang kedua yang berwenang menerbitkan. Isi salah satu: reason_code atau reason."
        ),
    )


class AlertAreaOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.SerializerMethodField()

    def get_level(self, obj) -> str:
        return "desa" if obj.desa_id else "kecamatan"


class AlertReferenceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    identifier = serializers.CharField()


class AlertEventOutput(serializers.Serializer):
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(source="actor_label")
    created_at = serializers.DateTimeField()
    note = serializers.CharField()


class AlertDeliveryOutput(serializers.Serializer):
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    pending = serializers.IntegerField()
    total = serializers.IntegerField()


class AlertOutput(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display")
    event_display = serializers.CharField(source="get_event_display")
    areas = AlertAreaOutput(many=True)
    references = AlertReferenceOutput(allow_null=True)
    created_by = OptionalUserNameField()
    published_by = OptionalUserNameField()
    cap_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    delivery = serializers.SerializerMethodField()

    class Meta:
        model = Alert
        fields = [
            "id", "identifier", "msg_type", "references", "state", "state_display", "event", "event_display",
            "category", "urgency", "severity", "certainty", "headline", "description", "instruction", "headline_en",
            "description_en", "instruction_en", "onset", "expires", "sent", "areas", "created_by", "created_at",
            "published_by", "cap_url", "page_url", "delivery",
        ]  # fmt: skip

    def get_cap_url(self, obj) -> str | None:
        """The CAP 1.2 document, once published."""
        return cap_url(obj.identifier) if obj.cap_xml else None

    def get_page_url(self, obj) -> str | None:
        return public_url(obj) if obj.state != State.DRAFT else None

    @extend_schema_field(AlertDeliveryOutput(allow_null=True))
    def get_delivery(self, obj):
        """Messages to subscribers: sent, failed, waiting (null for a draft, which sends nothing)."""
        if obj.state == State.DRAFT:
            return None
        return AlertDeliveryOutput(delivery_progress(obj)).data


class AlertDetailOutput(AlertOutput):
    events = AlertEventOutput(many=True)

    class Meta(AlertOutput.Meta):
        fields = [*AlertOutput.Meta.fields, "events"]


class AlertPagination(ClearCursorPagination):
    page_size = 50
    ordering = ("-created_at", "-id")


class WarningApiView(StaffApiView):
    # Every staff role reads warnings (permissions.can_read is the desk rule).
    permission_classes = [IsDeskUser]

    def alert(self, pk) -> Alert:
        alert = (
            selectors.alerts_visible_to(self.request.user)
            .prefetch_related("areas__desa", "areas__kecamatan", "events")
            .filter(pk=pk)
            .first()
        )
        if alert is None:
            raise Http404
        return alert

    def detail(self, alert, *, status_code=status.HTTP_200_OK):
        return Response(AlertDetailOutput(self.alert(alert.pk)).data, status=status_code)


def _referenced(value) -> Alert | None:
    if value in (None, ""):
        return None
    value = str(value).strip()
    qs = Alert.objects.filter(pk=int(value)) if value.isdecimal() else Alert.objects.filter(identifier=value)
    alert = qs.first()
    if alert is None:
        raise serializers.ValidationError({"references": [_("Peringatan yang dirujuk tidak ditemukan.")]})
    return alert


class WarningListCreateApi(WarningApiView):
    pagination_class = AlertPagination

    @warning_schema(
        "warnings_list",
        "Daftar peringatan dini (terbaru dulu, halaman kursor)",
        parameters=[
            OpenApiParameter(
                "state", {"type": "string", "enum": [*State.values, ""]}, description="Status; kosong: semua."
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="Penunjuk halaman dari next/previous."),
        ],
        ok={200: AlertOutput(many=True)},
    )
    def get(self, request):
        state = request.query_params.get("state", "")
        if state and state not in State.values:
            raise serializers.ValidationError({"state": [_("Status tidak dikenal.")]})
        qs = selectors.alerts_filtered(selectors.alerts_visible_to(request.user), state=state).prefetch_related(
            "areas__desa", "areas__kecamatan"
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(qs, request, view=self)
        return paginator.get_paginated_response(AlertOutput(page, many=True).data)

    @warning_schema(
        "warnings_create",
        "Susun draf peringatan (petugas BPBD atau Tim Efektif)",
        description=(
            "Membuat draf. Pembaruan (msg_type Update) atau pembatalan (Cancel) merujuk peringatan yang sedang "
            "terbit lewat references. Draf diterbitkan orang kedua lewat /publish/."
        ),
        request=AlertInput,
        ok={201: AlertDetailOutput},
    )
    def post(self, request):
        permissions.draft_check(request.user)
        values = dict(validated(AlertInput, request.data))
        areas, msg_type = values.pop("areas"), values.pop("msg_type")
        references = _referenced(values.pop("references"))
        if "category" not in values:
            values.pop("category", None)
        alert = services.alert_create(
            actor=request.user, areas=areas, msg_type=msg_type, references=references, **values
        )
        return self.detail(alert, status_code=status.HTTP_201_CREATED)


class WarningDetailApi(WarningApiView):
    @warning_schema(
        "warnings_retrieve",
        "Satu peringatan dengan riwayat dan kemajuan pengiriman",
        parameters=[ID_PARAM],
        ok={200: AlertDetailOutput},
        errors=READ_ONE_ERRORS,
    )
    def get(self, request, id):
        return self.detail(self.alert(id))


class WarningPublishApi(WarningApiView):
    @warning_schema(
        "warnings_publish",
        "Terbitkan draf (koordinator/Tim Efektif, bukan penyusunnya)",
        description="Jawaban memuat identitas CAP (identifier) dan alamat dokumen CAP (cap_url).",
        parameters=[ID_PARAM],
        request=None,
        ok={200: AlertDetailOutput},
        errors=ONE_ERRORS,
    )
    def post(self, request, id):
        permissions.publish_check(request.user)
        alert = self.alert(id)
        try:
            alert = services.alert_publish(actor=request.user, alert_id=alert.pk, ip=client_ip(request))
        except permissions.FourEyesViolation as exc:
            raise ApiError(str(exc), code="four_eyes", status_code=status.HTTP_403_FORBIDDEN)
        return self.detail(alert)


class WarningCancelApi(WarningApiView):
    @warning_schema(
        "warnings_cancel",
        "Batalkan peringatan yang terbit (pesan CAP Cancel)",
        description=(
            "Dengan reason_code (alasan baku) pesan Cancel yang merujuk peringatan ini terbit seketika dan dikirim ke "
            "pelanggan (state published). Dengan reason (alasan yang ditulis sendiri) pesan Cancel menjadi draf "
            "(state draft) yang terbit setelah orang kedua yang berwenang menerbitkan, bukan penyusunnya, "
            "menyetujuinya lewat /publish/; sampai itu peringatan tetap berlaku."
        ),
        parameters=[ID_PARAM],
        request=AlertCancelInput,
        ok={201: AlertDetailOutput},
        errors=ONE_ERRORS,
    )
    def post(self, request, id):
        permissions.cancel_check(request.user)
        alert = self.alert(id)
        data = validated(AlertCancelInput, request.data)
        cancel = services.alert_cancel(
            actor=request.user,
            alert_id=alert.pk,
            reason_code=data.get("reason_code", ""),
            reason=data["reason"],
            ip=client_ip(request),
        )
        return self.detail(cancel, status_code=status.HTTP_201_CREATED)
