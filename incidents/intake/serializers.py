"""Input shapes of the public report API. They check shapes and types only; the
rules of a report live in the intake service."""

import json
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from incidents.models import Status

# Nothing in Muratara's records predates the kabupaten (2013); a bound also
# keeps absurd years away from time-zone arithmetic.
EARLIEST_OCCURRED_AT = datetime(2000, 1, 1)


MAX_DETAILS_BYTES = 20_000


def _contains_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(k) or _contains_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_contains_nul(v) for v in value)
    return False


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "Jawaban pertanyaan tambahan kategori, per kode pertanyaan. Pada multipart: string JSON.",
    }
)
class DetailsField(serializers.Field):
    """An object; in a multipart form the same object as a JSON string."""

    default_error_messages = {
        "not_object": _("Keterangan tambahan harus berupa objek."),
        "bad_json": _("Keterangan tambahan bukan JSON yang valid."),
        "too_large": _("Keterangan tambahan terlalu panjang."),
        "nul": _("Keterangan tambahan berisi karakter yang tidak diizinkan."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str):
            if len(data) > MAX_DETAILS_BYTES:
                self.fail("too_large")
            if not data.strip():
                return {}
            try:
                data = json.loads(data)
            except (ValueError, RecursionError):
                self.fail("bad_json")
        if not isinstance(data, dict):
            self.fail("not_object")
        try:
            size = len(json.dumps(data))
        except (ValueError, TypeError, RecursionError):
            self.fail("bad_json")
        if size > MAX_DETAILS_BYTES:
            self.fail("too_large")
        if _contains_nul(data):
            self.fail("nul")
        return data

    def to_representation(self, value):
        return value


class PhotoListField(serializers.ListField):
    """Errors as one flat list ("Foto 2: ..."), the shape the error envelope declares."""

    default_error_messages = {
        "not_a_list": _("Foto harus berupa daftar berkas."),
        "max_length": _("Paling banyak {max_length} foto."),
    }

    def run_child_validation(self, data):
        result, errors = [], []
        for index, item in enumerate(data, start=1):
            try:
                result.append(self.child.run_validation(item))
            except serializers.ValidationError as exc:
                for message in exc.detail if isinstance(exc.detail, list) else [exc.detail]:
                    errors.append(_("Foto %(n)s: %(error)s") % {"n": index, "error": message})
        if errors:
            raise serializers.ValidationError(errors)
        return result


class BoundedDateTimeField(serializers.DateTimeField):
    """A year like 0001 overflows when moved between time zones: an error, not a crash."""

    default_error_messages = {"out_of_range": _("Waktu di luar rentang yang wajar.")}

    def to_internal_value(self, value):
        try:
            return super().to_internal_value(value)
        except OverflowError:
            self.fail("out_of_range")


class ReportCreateSerializer(serializers.Serializer):
    category = serializers.CharField(max_length=40, help_text=_("Kode kategori (lihat /api/v1/categories/)."))
    description = serializers.CharField(max_length=5000, help_text=_("Uraian kejadian."))
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    occurred_at = BoundedDateTimeField(
        required=False, allow_null=True, default=None, help_text=_("ISO 8601; tidak boleh di masa depan.")
    )
    desa = serializers.CharField(
        max_length=13,
        required=False,
        allow_blank=True,
        allow_null=True,
        default=None,
        help_text=_("Kode Kemendagri desa/kelurahan; wajib kecuali lat dan lng diisi."),
    )
    kecamatan = serializers.CharField(
        max_length=8, required=False, allow_blank=True, allow_null=True, default=None, help_text=_("Kode kecamatan.")
    )
    lat = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-90, max_value=90)
    lng = serializers.FloatField(required=False, allow_null=True, default=None, min_value=-180, max_value=180)
    location_detail = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    reporter_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    reporter_email = serializers.EmailField(required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)
    consent = serializers.BooleanField(
        required=False, default=False, help_text=_("Persetujuan pemrosesan data pribadi (UU 27/2022); harus true.")
    )
    details = DetailsField(required=False, default=dict)
    client_uuid = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("UUID dari aplikasi; kiriman ulang tidak menggandakan."),
    )
    website = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="", help_text=_("Biarkan kosong.")
    )
    photos = PhotoListField(
        child=serializers.FileField(
            max_length=255,
            allow_empty_file=False,
            error_messages={
                "invalid": _("Foto harus dikirim sebagai berkas (multipart/form-data)."),
                "empty": _("Berkas foto kosong."),
                "no_name": _("Berkas foto tidak bernama."),
                "max_length": _("Nama berkas foto terlalu panjang."),
                "required": _("Berkas foto tidak ada."),
                "null": _("Berkas foto tidak ada."),
            },
        ),
        required=False,
        default=list,
        max_length=settings.MAX_PHOTOS,
        help_text=_("Foto JPEG/PNG/WebP, maksimal 10 MB per berkas (multipart, dapat diulang)."),
    )

    def validate_occurred_at(self, value):
        if value is None:
            return value
        if value < timezone.make_aware(EARLIEST_OCCURRED_AT):
            raise serializers.ValidationError(_("Waktu kejadian terlalu lama."))
        return value


class ReportCreatedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    tracking_url = serializers.URLField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    created_at = serializers.DateTimeField()
