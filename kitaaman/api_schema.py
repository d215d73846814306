"""Schema pieces every API shares: the error envelope and its documented answers."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Kode kesalahan yang stabil, mis. invalid, not_found, throttled."))
    message = serializers.CharField(help_text=_("Pesan untuk pengguna (Bahasa Indonesia)."))
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Kesalahan per isian; kunci seperti details.meninggal menunjuk pertanyaan tambahan."),
    )
    retry_after = serializers.IntegerField(required=False, help_text=_("Detik sampai boleh mencoba lagi (429)."))


class ApiErrorEnvelopeSerializer(serializers.Serializer):
    """The one error format of every 4xx answer (kitaaman.api_errors)."""

    error = ApiErrorSerializer()


def error(description):
    """A documented error answer: the envelope with a description of when it comes."""
    return OpenApiResponse(ApiErrorEnvelopeSerializer, description=description)


ERR_400 = error("Data tidak valid; kesalahan per isian di error.fields.")
ERR_401 = error("Belum masuk, atau token tidak valid.")
ERR_403 = error("Tidak berwenang.")
ERR_404 = error("Tidak ditemukan.")
ERR_429 = error("Terlalu banyak permintaan; lihat header Retry-After.")
