"""Input shapes of the public report API. They check shapes and types only; the
rules of a report live in the intake service."""

import json
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema_field
from rest_framework import serializers

from incidents.models import Status
from kitaaman.api_fields import StrictSerializer

# Nothing in the region's records predates the kabupaten (2013); a bound also
# keeps absurd years away from time-zone arithmetic.
EARLIEST_OCCURRED_AT = datetime(2000, 1, 1)


MAX_DETAILS_BYTES = 20_000
# Answers are scalars (a few questions may take a short list); anything deeper
# is not an answer, and a walk of hundreds of levels would exhaust the stack.
MAX_DETAILS_DEPTH = 4
# The e-mail column's length (RFC 5321 caps a forward path at 254 characters).
MAX_EMAIL_LENGTH = 254


def unsafe_text(text: str) -> bool:
    """NUL cannot be stored by PostgreSQL; a lone surrogate cannot be encoded as UTF-8."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def details_problem(value) -> str | None:
    """'deep' or 'nul' for a value the intake must refuse, else None. Iterative,
    so no nesting can exhaust the stack."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if unsafe_text(item):
                return "nul"
        elif isinstance(item, (dict, list)):
            if depth > MAX_DETAILS_DEPTH:
                return "deep"
            if isinstance(item, dict):
                for key, child in item.items():
                    if not isinstance(key, str) or unsafe_text(key):
                        return "nul"
                    stack.append((child, depth + 1))
            else:
                stack.extend((child, depth + 1) for child in item)
    return None


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
        "deep": _("Keterangan tambahan terlalu bersarang."),
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
        problem = details_problem(data)
        if problem:
            self.fail(problem)
        try:
            size = len(json.dumps(data))
        except (ValueError, TypeError, RecursionError):
            self.fail("bad_json")
        if size > MAX_DETAILS_BYTES:
            self.fail("too_large")
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


# Who reports and who may see it, the same at every door that takes a report (the
# public API and the desk's entry on a citizen's behalf); each door states its own
# `consent`. A comment, not a docstring: the schema would show a docstring as the
# description of every report body.
class ReporterInput(StrictSerializer):
    reporter_name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    reporter_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    reporter_email = serializers.EmailField(max_length=MAX_EMAIL_LENGTH, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    confidential = serializers.BooleanField(required=False, default=False)


class ReportCreateSerializer(ReporterInput):
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


class ReportCreateJsonSerializer(ReportCreateSerializer):
    """The JSON body of a report, for the schema: the same fields without
    `photos`, which only multipart/form-data can carry. A separate component
    gives code generators one type per content type."""

    photos = None


def created_once(output) -> dict:
    """The success answers of a report sent with client_uuid: 201 the first
    time, 200 with the same report when that client_uuid was already sent."""
    return {201: output, 200: OpenApiResponse(output, description="Laporan dengan client_uuid ini sudah ada.")}


class ReportCreatedSerializer(serializers.Serializer):
    tracking_code = serializers.CharField()
    tracking_url = serializers.URLField()
    status = serializers.ChoiceField(choices=Status.choices)
    status_label = serializers.CharField()
    created_at = serializers.DateTimeField()
