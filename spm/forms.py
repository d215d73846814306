import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Desa, Kecamatan
from kitaaman import region

from .calculations import ROMAN
from .formatting import MONTHS
from .models import SOURCE_NOTE_MAX, Activity, Hazard, Milestone, Quarter, Service


def year_choices():
    this = timezone.localdate().year
    return [(y, str(y)) for y in range(this + 1, 2019, -1)]


def source_note_field(help_text) -> forms.CharField:
    """The optional "Sumber data/catatan" of a target or budget."""
    return forms.CharField(
        label=_("Sumber data/catatan"), required=False, max_length=SOURCE_NOTE_MAX, help_text=help_text
    )


def activity_service_field() -> forms.ModelChoiceField:
    """The services counted from activities (information and preparedness for
    disasters), the only ones with targets and activities to enter."""
    return forms.ModelChoiceField(
        label=_("Layanan"),
        queryset=Service.objects.filter(source=Service.Source.KEGIATAN),
        to_field_name="code",
        empty_label=None,
    )


def year_field() -> forms.TypedChoiceField:
    """A year from next year back to 2020, newest first."""
    return forms.TypedChoiceField(label=_("Tahun"), coerce=int, choices=year_choices)


class DashboardFilterForm(forms.Form):
    year = year_field()
    quarter = forms.TypedChoiceField(
        label=_("Triwulan"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=lambda: [("", _("Semua triwulan"))] + [(q, _("Triwulan %(q)s") % {"q": ROMAN[q]}) for q in range(1, 5)],
    )
    month = forms.TypedChoiceField(
        label=_("Bulan"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=lambda: [("", _("Semua bulan"))] + [(i + 1, _(m)) for i, m in enumerate(MONTHS)],
    )
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=region.by_kind(_("Seluruh kabupaten"), _("Seluruh kota")),
    )
    peta = forms.ChoiceField(label=_("Peta menampilkan"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["peta"].choices = [("laporan", _("Laporan per 1.000 penduduk"))] + [
            (s.code, _("Capaian: %(name)s") % {"name": s.display_short_name})
            for s in Service.objects.order_by("sort_order")
        ]

    def clean(self):
        data = super().clean()
        if data.get("quarter") and data.get("month"):
            self.add_error("month", _("Pilih triwulan atau bulan, tidak keduanya."))
        return data


class TargetForm(forms.Form):
    service = activity_service_field()
    year = year_field()
    kecamatan = forms.ModelChoiceField(
        label=_("Kecamatan"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=region.by_kind(
            _("Seluruh kabupaten (tanpa rincian kecamatan)"), _("Seluruh kota (tanpa rincian kecamatan)")
        ),
    )
    hazard = forms.ChoiceField(
        label=_("Jenis bahaya"), required=False, choices=[("", _("Semua jenis bahaya"))] + Hazard.choices
    )
    value = forms.IntegerField(label=_("Jumlah warga yang harus dilayani"), min_value=0, max_value=10_000_000)
    note = source_note_field(_("Misalnya: Kajian Risiko Bencana 2025, data penduduk desa rawan banjir."))


class ActivityForm(forms.Form):
    service = activity_service_field()
    date = forms.DateField(
        label=_("Tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )
    desa = forms.ModelChoiceField(
        label=_("Desa/kelurahan"),
        queryset=Desa.objects.offered().select_related("kecamatan").order_by("kecamatan_id", "name"),
    )
    hazard = forms.ChoiceField(
        label=_("Jenis bahaya"), required=False, choices=[("", _("Tidak khusus"))] + Hazard.choices
    )
    kind = forms.ChoiceField(label=_("Jenis kegiatan"), choices=Activity.Kind.choices)
    people_reached = forms.IntegerField(label=_("Jumlah warga terlayani"), min_value=0, max_value=10_000_000)
    description = forms.CharField(label=_("Uraian kegiatan"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    evidence = forms.FileField(
        label=_("Berkas bukti (tidak wajib)"),
        required=False,
        help_text=_("Foto (JPEG, PNG, WebP) atau PDF, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desa"].label_from_instance = lambda d: f"{d.kecamatan.name} – {d.name}"


class AssessmentHeaderForm(forms.Form):
    stage_data = forms.CharField(
        label=_("Tahap 1: pengumpulan data"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    stage_needs = forms.CharField(
        label=_("Tahap 2: penghitungan kebutuhan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
    )
    stage_planning = forms.CharField(
        label=_("Tahap 3: perencanaan"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    stage_delivery = forms.CharField(
        label=_("Tahap 4: pelaksanaan"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    problems = forms.CharField(
        label=_("Permasalahan"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )
    follow_up = forms.CharField(
        label=_("Tindak lanjut"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=5000
    )


class RupiahField(forms.CharField):
    """Whole rupiah as people type it: 1500000000, 1.500.000.000 or Rp 1.500.000.000.
    Returns the digits (with a minus sign if typed); spm.services.budget_save
    decides what is allowed, so the page and every other caller refuse alike."""

    PLAIN = re.compile(r"^-?\d+$")
    GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+$")

    def to_python(self, value):
        text = re.sub(r"(?i)^(-?)\s*rp\.?\s*", r"\1", super().to_python(value).replace(" ", ""))
        if not text:
            return ""
        if self.GROUPED.match(text):
            text = text.replace(".", "")
        if not self.PLAIN.match(text):
            raise forms.ValidationError(_("Tulis dalam rupiah utuh, misalnya 1.500.000.000."), code="invalid")
        return text


class BudgetForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Layanan"), queryset=Service.objects.all(), to_field_name="code", empty_label=None
    )
    year = year_field()
    pagu = RupiahField(label=_("Pagu anggaran (Rp)"), max_length=30, help_text=_("Misalnya 1.500.000.000."))
    realisasi = RupiahField(
        label=_("Realisasi anggaran (Rp)"),
        max_length=30,
        help_text=_("Realisasi sampai saat ini; boleh melebihi pagu bila ada perubahan anggaran."),
    )
    note = source_note_field(_("Misalnya: DPA Satpol PP 2026, laporan realisasi SIPD per 30 September."))


class AssessmentPickForm(forms.Form):
    service = forms.ModelChoiceField(
        label=_("Layanan"), queryset=Service.objects.all(), to_field_name="code", empty_label=None
    )
    year = year_field()
    quarter = forms.TypedChoiceField(label=_("Triwulan"), coerce=int, choices=Quarter.choices)
    kecamatan = forms.ModelChoiceField(
        label=_("Wilayah penilaian"),
        queryset=Kecamatan.objects.all(),
        required=False,
        empty_label=region.by_kind(_("Tingkat kabupaten"), _("Tingkat kota")),
        help_text=region.by_kind(
            _("Pilih kecamatan bila kecamatan itu dinilai sendiri; yang tidak dinilai memakai mutu kabupaten."),
            _("Pilih kecamatan bila kecamatan itu dinilai sendiri; yang tidak dinilai memakai mutu kota."),
        ),
    )


class MilestoneForm(forms.Form):
    owner = forms.CharField(label=_("Penanggung jawab"), max_length=150)
    due_date = forms.DateField(
        label=_("Target selesai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
    )
    status = forms.ChoiceField(label=_("Status"), choices=Milestone.State.choices)
    completed_on = forms.DateField(
        label=_("Tanggal selesai"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        help_text=_("Kosongkan untuk memakai tanggal hari ini saat status Selesai."),
    )
    evidence_note = forms.CharField(label=_("Bukti (nomor dokumen/keterangan)"), required=False, max_length=500)
    evidence = forms.FileField(
        label=_("Berkas bukti (tidak wajib)"),
        required=False,
        help_text=_("Foto (JPEG, PNG, WebP) atau PDF, paling besar 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )
