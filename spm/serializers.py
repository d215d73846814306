"""Input and output shapes of the SPM API (documentation and validation only:
writes go through spm.services)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from kitaaman.api_fields import StrictSerializer

from .models import SOURCE_NOTE_MAX, Activity, Hazard, Quarter


class AchievementsQuery(StrictSerializer):
    year = serializers.IntegerField(min_value=2015, max_value=2100, help_text=_("Tahun, mis. 2026."))
    quarter = serializers.ChoiceField(
        choices=Quarter.choices, required=False, help_text=_("Triwulan 1-4 (tidak bersama bulan).")
    )
    month = serializers.IntegerField(
        min_value=1, max_value=12, required=False, help_text=_("Bulan 1-12 (tidak bersama triwulan).")
    )
    kecamatan = serializers.CharField(
        max_length=8, required=False, help_text=_("Kode Kemendagri kecamatan (pp.kk.cc).")
    )

    def validate(self, attrs):
        if attrs.get("quarter") and attrs.get("month"):
            raise serializers.ValidationError({"month": [_("Pilih triwulan atau bulan, tidak keduanya.")]})
        return attrs


class PeriodOutput(serializers.Serializer):
    year = serializers.IntegerField()
    quarter = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    kind = serializers.ChoiceField(choices=["year", "quarter", "month"])
    start = serializers.DateField()
    end = serializers.DateField()
    label = serializers.CharField()


class KecamatanRowOutput(serializers.Serializer):
    code = serializers.CharField(
        allow_null=True, help_text=_("Null: sasaran tingkat kabupaten/kota tanpa rincian kecamatan.")
    )
    name = serializers.CharField()
    must_serve = serializers.IntegerField()
    served = serializers.IntegerField()
    capaian = serializers.FloatField(allow_null=True)
    index = serializers.FloatField(allow_null=True)
    band = serializers.CharField()


class QualityItemOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.IntegerField()
    met = serializers.BooleanField(allow_null=True)
    note = serializers.CharField(required=False)


class ServiceAchievementOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    short_name = serializers.CharField()
    lead_agency = serializers.CharField()
    legal_basis = serializers.CharField()
    source = serializers.ChoiceField(choices=["laporan", "kegiatan"])
    must_serve_label = serializers.CharField()
    served_label = serializers.CharField()
    must_serve = serializers.IntegerField(help_text=_("Warga yang harus dilayani."))
    served = serializers.IntegerField(help_text=_("Warga terlayani sesuai standar."))
    capaian = serializers.FloatField(allow_null=True, help_text=_("Persen; null bila belum ada sasaran."))
    quality = serializers.FloatField(allow_null=True, help_text=_("Skor mutu (persen); null bila belum dinilai."))
    index = serializers.FloatField(allow_null=True, help_text=_("Indeks gabungan penerima dan mutu (persen)."))
    band = serializers.ChoiceField(choices=["hijau", "kuning", "merah", "abu"])
    weights = serializers.DictField(child=serializers.IntegerField())
    by_kecamatan = KecamatanRowOutput(many=True)
    previous = serializers.DictField(child=serializers.FloatField(allow_null=True))
    change = serializers.FloatField(
        allow_null=True,
        help_text=_(
            "Perubahan capaian (poin persen) dari periode sebelumnya; null untuk periode berjalan. Layanan "
            "kegiatan: perubahan laju terhadap sasaran pro-rata."
        ),
    )
    change_reason = serializers.CharField(help_text=_("Cara perubahan dibandingkan, atau mengapa tidak ada."))
    quality_items = QualityItemOutput(many=True)
    quality_period = serializers.DictField(child=serializers.IntegerField(), allow_null=True)


class KecamatanRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class AchievementsOutput(serializers.Serializer):
    period = PeriodOutput()
    closed = serializers.BooleanField(help_text=_("Periode sudah berakhir; false: angka sementara."))
    previous_period = PeriodOutput()
    kecamatan = KecamatanRefOutput(allow_null=True)
    fire_response_minutes = serializers.IntegerField(allow_null=True)
    bands = serializers.DictField(child=serializers.IntegerField())
    services = ServiceAchievementOutput(many=True)


class TargetInput(StrictSerializer):
    service = serializers.CharField(help_text=_("info-bencana atau siaga-bencana."))
    year = serializers.IntegerField()
    kecamatan = serializers.CharField(
        allow_null=True, required=False, help_text=_("Kode kecamatan; null untuk seluruh kabupaten.")
    )
    hazard = serializers.ChoiceField(choices=Hazard.choices, required=False, allow_blank=True, default="")
    value = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=SOURCE_NOTE_MAX)


class TargetOutput(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField(source="service.code")
    year = serializers.IntegerField()
    kecamatan = serializers.CharField(source="kecamatan_id", allow_null=True)
    hazard = serializers.CharField()
    value = serializers.IntegerField()
    note = serializers.CharField()
    updated_at = serializers.DateTimeField()


class TargetQuery(StrictSerializer):
    year = serializers.IntegerField(min_value=2015, max_value=2100, required=False)
    service = serializers.CharField(required=False)


class ActivityInput(StrictSerializer):
    service = serializers.CharField(help_text=_("info-bencana atau siaga-bencana."))
    date = serializers.DateField()
    desa = serializers.CharField(help_text=_("Kode Kemendagri desa/kelurahan."))
    hazard = serializers.ChoiceField(choices=Hazard.choices, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Activity.Kind.choices, required=False, default=Activity.Kind.KIE)
    people_reached = serializers.IntegerField()
    description = serializers.CharField(max_length=2000)
    evidence = serializers.FileField(required=False, help_text=_("Foto (JPEG/PNG/WebP) atau PDF, paling besar 10 MB."))


class ActivityJsonInput(ActivityInput):
    """The JSON body of an activity, for the schema: without `evidence`, which
    only multipart/form-data can carry."""

    evidence = None


class ActivityOutput(serializers.Serializer):
    id = serializers.IntegerField()
    service = serializers.CharField(source="service.code")
    date = serializers.DateField()
    desa = serializers.CharField(source="desa_id")
    kecamatan = serializers.CharField(source="kecamatan_id")
    hazard = serializers.CharField()
    kind = serializers.CharField()
    people_reached = serializers.IntegerField()
    description = serializers.CharField()
    has_evidence = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_has_evidence(self, obj) -> bool:
        return bool(obj.evidence)


class ActivityQuery(StrictSerializer):
    year = serializers.IntegerField(min_value=2015, max_value=2100, required=False)
    service = serializers.CharField(required=False)
    kecamatan = serializers.CharField(required=False)


class FiguresQuery(StrictSerializer):
    period = serializers.CharField(
        max_length=10, help_text=_("2026 (tahun), 2026-Q3 (triwulan), atau 2026-09 (bulan).")
    )
    kecamatan = serializers.CharField(required=False, allow_blank=True, max_length=8)


class FigurePeriodOutput(serializers.Serializer):
    key = serializers.CharField()
    kind = serializers.CharField()
    label = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    closed = serializers.BooleanField()
    provisional = serializers.BooleanField(help_text=_("Periode berjalan: angka sementara."))
    as_of = serializers.DateTimeField()
    overdue_as_of = serializers.DateTimeField()


class FigureOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    denominator_label = serializers.CharField()
    unit = serializers.CharField()
    note = serializers.CharField()


class FiguresOutput(serializers.Serializer):
    period = FigurePeriodOutput()
    kecamatan = KecamatanRefOutput(allow_null=True)
    figures = FigureOutput(many=True)
