"""SPM Trantibumlinmas: reference data, what the Tim Efektif records, and the
report aggregates (spm/aggregates.py) the dashboard reads instead of the reports table.

Figures are never stored as percentages: counts are stored, percentages are
computed in spm/calculations.py.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Desa, Kecamatan, SpmService, optional_area_field
from kitaaman.models import (
    ChangeStamped,
    SeededEntry,
    Singleton,
    StrFromFields,
    UpdateStamped,
    localized_property,
    person_field,
)

# The report aggregates (spm/aggregates.py), the SK Tim Efektif and the
# signatories (spm/decree.py) belong to this app too: imported here so
# Django registers them with the app's models.
from . import aggregates  # noqa: F401
from .decree import Signatory, TeamDecree  # noqa: F401

# The "sumber data/catatan" of a target or budget: the column, the form and the service check.
SOURCE_NOTE_MAX = 500


def unique_per_kecamatan(fields, name, name_kabupaten):
    """One row per key (`fields`, kecamatan among them), where a row without a
    kecamatan stands for the whole kabupaten: NULLs never collide in a plain
    unique index, so those rows get their own partial one."""
    return [
        models.UniqueConstraint(fields=fields, condition=Q(kecamatan__isnull=False), name=name),
        models.UniqueConstraint(
            fields=[field for field in fields if field != "kecamatan"],
            condition=Q(kecamatan__isnull=True),
            name=name_kabupaten,
        ),
    ]


class Hazard(models.TextChoices):
    """Hazard types of Permendagri 101/2018 that matter in the region (codes as on Category.hazard)."""

    BANJIR = "banjir", _("Banjir")
    LONGSOR = "tanah-longsor", _("Tanah longsor")
    KARHUTLA = "karhutla", _("Kebakaran hutan dan lahan")
    PUTING_BELIUNG = "puting-beliung", _("Angin puting beliung")
    KEKERINGAN = "kekeringan", _("Kekeringan")
    GEMPA = "gempa-bumi", _("Gempa bumi")
    LAINNYA = "lainnya", _("Lainnya")


class SpmSettings(Singleton, UpdateStamped):
    """One row (pk=1): the colour policy of the figures. The fire response
    standard is not here: it is stored once, on the fire category
    (incidents.Category.response_minutes), which the desk reads too."""

    band_green = models.PositiveSmallIntegerField(
        _("batas hijau (%)"),
        default=100,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Capaian sama dengan atau di atas nilai ini berwarna hijau. Sasaran SPM adalah 100 %; "
            "nilai lain adalah kebijakan daerah."
        ),
    )
    band_yellow = models.PositiveSmallIntegerField(
        _("batas kuning (%)"),
        default=70,
        validators=[MaxValueValidator(100)],
        help_text=_("Di bawah batas hijau dan sama dengan atau di atas nilai ini berwarna kuning; di bawahnya merah."),
    )

    class Meta:
        verbose_name = verbose_name_plural = _("pengaturan SPM")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="spm_settings_singleton"),
            models.CheckConstraint(
                condition=Q(band_yellow__lte=models.F("band_green")), name="spm_settings_bands_order"
            ),
        ]

    def __str__(self):
        return str(_("Pengaturan SPM"))


class Service(models.Model):
    class Source(models.TextChoices):
        LAPORAN = "laporan", _("Dari laporan (kasus)")
        KEGIATAN = "kegiatan", _("Dari sasaran dan kegiatan Tim Efektif")

    code = models.CharField(_("kode"), max_length=20, unique=True, choices=SpmService.choices)
    name = models.CharField(_("nama layanan"), max_length=200)
    name_en = models.CharField(_("nama layanan (Inggris)"), max_length=200, blank=True)
    short_name = models.CharField(_("nama singkat"), max_length=60)
    short_name_en = models.CharField(_("nama singkat (Inggris)"), max_length=60, blank=True)
    lead_agency = models.CharField(_("perangkat daerah penanggung jawab"), max_length=100)
    legal_basis = models.CharField(_("standar teknis"), max_length=200)
    recipients_definition = models.TextField(_("penerima layanan (yang harus dilayani)"))
    recipients_definition_en = models.TextField(_("penerima layanan (Inggris)"), blank=True)
    must_serve_label = models.CharField(_("label jumlah yang harus dilayani"), max_length=120)
    must_serve_label_en = models.CharField(_("label jumlah yang harus dilayani (Inggris)"), max_length=120, blank=True)
    served_label = models.CharField(_("label jumlah yang terlayani"), max_length=120)
    served_label_en = models.CharField(_("label jumlah yang terlayani (Inggris)"), max_length=120, blank=True)
    source = models.CharField(_("sumber data"), max_length=10, choices=Source.choices)
    weight_recipients = models.PositiveSmallIntegerField(
        _("bobot penerima layanan (%)"), default=80, validators=[MaxValueValidator(100)]
    )
    weight_quality = models.PositiveSmallIntegerField(
        _("bobot mutu (%)"), default=20, validators=[MaxValueValidator(100)]
    )
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = verbose_name_plural = _("layanan SPM")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_recipients__lte=100) & Q(weight_quality__lte=100), name="spm_service_weights_range"
            ),
        ]

    display_name = localized_property("name")
    display_short_name = localized_property("short_name")

    def __str__(self):
        return self.display_short_name or self.display_name

    @property
    def from_reports(self):
        return self.source == self.Source.LAPORAN


class QualityItem(StrFromFields):
    """One quality standard of a service (mutu barang/jasa/SDM), weighted."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="quality_items", verbose_name=_("layanan")
    )
    code = models.SlugField(_("kode"), max_length=40)
    name = models.CharField(_("standar mutu"), max_length=250)
    name_en = models.CharField(_("standar mutu (Inggris)"), max_length=250, blank=True)
    weight = models.PositiveSmallIntegerField(_("bobot"), default=1, validators=[MinValueValidator(1)])
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=100)
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["service__sort_order", "sort_order", "id"]
        verbose_name = verbose_name_plural = _("standar mutu")
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="spm_quality_item_unique")]

    display_name = localized_property("name")
    str_fields = ("display_name",)


def evidence_upload_to(instance, filename):
    # The client's file name never reaches the path; the extension comes from
    # the validated content (see spm/evidence.py), not from the upload.
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if ext not in ("jpg", "pdf"):
        ext = "bin"
    return f"spm/bukti/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{ext}"


class Quarter(models.IntegerChoices):
    Q1 = 1, _("Triwulan I")
    Q2 = 2, _("Triwulan II")
    Q3 = 3, _("Triwulan III")
    Q4 = 4, _("Triwulan IV")


class PeriodAssessment(ChangeStamped):
    """Per service and quarter: the quality checklist plus the notes e-SPM asks
    for (problems, follow-up, the four implementation stages)."""

    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("layanan")
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(_("triwulan"), choices=Quarter.choices)
    kecamatan = optional_area_field(
        Kecamatan,
        related_name="spm_assessments",
        help_text=_("Kosong: penilaian tingkat kabupaten, berlaku bagi kecamatan yang tidak dinilai sendiri."),
    )
    stage_data = models.TextField(_("tahap 1: pengumpulan data"), blank=True)
    stage_needs = models.TextField(_("tahap 2: penghitungan kebutuhan"), blank=True)
    stage_planning = models.TextField(_("tahap 3: perencanaan"), blank=True)
    stage_delivery = models.TextField(_("tahap 4: pelaksanaan"), blank=True)
    problems = models.TextField(_("permasalahan"), blank=True)
    follow_up = models.TextField(_("tindak lanjut"), blank=True)

    class Meta:
        ordering = ["-year", "-quarter", "service__sort_order"]
        verbose_name = verbose_name_plural = _("penilaian mutu triwulan")
        constraints = unique_per_kecamatan(
            ["service", "year", "quarter", "kecamatan"], "spm_assessment_kecamatan_unique", "spm_assessment_unique"
        )

    def __str__(self):
        where = f" {self.kecamatan.name}" if self.kecamatan_id else ""
        return f"{self.service} {self.year} T{self.quarter}{where}"


class QualityCheck(models.Model):
    assessment = models.ForeignKey(
        PeriodAssessment, on_delete=models.CASCADE, related_name="checks", verbose_name=_("penilaian")
    )
    item = models.ForeignKey(
        QualityItem, on_delete=models.CASCADE, related_name="checks", verbose_name=_("standar mutu")
    )
    met = models.BooleanField(_("terpenuhi"), default=False)
    note = models.CharField(_("keterangan/bukti"), max_length=500, blank=True)
    evidence = models.FileField(_("berkas bukti"), upload_to=evidence_upload_to, blank=True)
    evidence_content_type = models.CharField(_("jenis berkas"), max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("butir penilaian mutu")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="spm_check_unique")]


class ServiceYearFigure(ChangeStamped):
    """A figure the Tim Efektif enters for a service and a year (a target, a
    budget): the year and where the figure comes from."""

    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    note = models.CharField(_("sumber data/catatan"), max_length=SOURCE_NOTE_MAX, blank=True)

    class Meta:
        abstract = True


class Target(ServiceYearFigure):
    """Who must be served for the activity-based services, for a year."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="targets", verbose_name=_("layanan"))
    kecamatan = optional_area_field(
        Kecamatan, related_name="spm_targets", help_text=_("Kosong: seluruh kabupaten, tanpa rincian kecamatan.")
    )
    hazard = models.CharField(_("jenis bahaya"), max_length=20, choices=Hazard.choices, blank=True)
    value = models.PositiveIntegerField(_("jumlah warga yang harus dilayani"))

    class Meta:
        ordering = ["-year", "service__sort_order", "kecamatan_id", "hazard"]
        verbose_name = verbose_name_plural = _("sasaran SPM")
        constraints = unique_per_kecamatan(
            ["service", "year", "kecamatan", "hazard"], "spm_target_unique_kec", "spm_target_unique_kab"
        )

    def __str__(self):
        return f"{self.service} {self.year} {self.kecamatan or _('kabupaten')} {self.hazard}".strip()


class Budget(ServiceYearFigure, StrFromFields):
    """What the kabupaten budgeted (pagu) and spent (realisasi) on a service in
    a year, in whole rupiah: the budget part of the e-SPM report. Realisasi may
    exceed pagu (budget changes mid-year); negative amounts are refused."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("layanan"))
    pagu = models.DecimalField(
        _("pagu anggaran (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    realisasi = models.DecimalField(
        _("realisasi anggaran (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["-year", "service__sort_order"]
        verbose_name = verbose_name_plural = _("anggaran SPM")
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="spm_budget_unique"),
            models.CheckConstraint(condition=Q(pagu__gte=0) & Q(realisasi__gte=0), name="spm_budget_not_negative"),
        ]

    str_fields = ("service", "year")


class Activity(models.Model):
    class Kind(models.TextChoices):
        KIE = "kie", _("Sosialisasi/KIE")
        GLADI = "gladi", _("Gladi/simulasi kesiapsiagaan")
        KONTINJENSI = "kontinjensi", _("Rencana kontinjensi")
        KAJIAN = "kajian-risiko", _("Kajian risiko bencana")
        PERALATAN = "peralatan", _("Penyediaan peralatan")
        LAINNYA = "lainnya", _("Lainnya")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="activities", verbose_name=_("layanan"))
    date = models.DateField(_("tanggal"))
    desa = models.ForeignKey(
        Desa, on_delete=models.PROTECT, related_name="spm_activities", verbose_name=_("desa/kelurahan")
    )
    # Copied from the desa so the period figures filter on one indexed column.
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="spm_activities", verbose_name=_("kecamatan")
    )
    hazard = models.CharField(_("jenis bahaya"), max_length=20, choices=Hazard.choices, blank=True)
    kind = models.CharField(_("jenis kegiatan"), max_length=20, choices=Kind.choices, default=Kind.KIE)
    people_reached = models.PositiveIntegerField(_("jumlah warga terlayani"))
    description = models.TextField(_("uraian kegiatan"))
    evidence = models.FileField(_("berkas bukti"), upload_to=evidence_upload_to, blank=True)
    evidence_content_type = models.CharField(_("jenis berkas"), max_length=40, blank=True)
    created_by = person_field(_("dicatat oleh"))
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = verbose_name_plural = _("kegiatan SPM")
        # Served-to-date per service and year, optionally per kecamatan.
        indexes = [models.Index(fields=["service", "date", "kecamatan"], name="spm_activity_period_idx")]

    def __str__(self):
        return f"{self.service} {self.date:%d-%m-%Y} {self.desa}"


class Milestone(ChangeStamped, SeededEntry, StrFromFields):
    """KITA AMAN action plan."""

    class State(models.TextChoices):
        BELUM = "belum", _("Belum dimulai")
        PROSES = "proses", _("Dalam proses")
        SELESAI = "selesai", _("Selesai")

    title = models.CharField(_("tonggak"), max_length=250)
    title_en = models.CharField(_("tonggak (Inggris)"), max_length=250, blank=True)
    owner = models.CharField(_("penanggung jawab"), max_length=150)
    # Cleared when the Tim Efektif names another owner (spm.services.milestone_update).
    owner_en = models.CharField(_("penanggung jawab (Inggris)"), max_length=150, blank=True)
    due_date = models.DateField(_("target selesai"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.BELUM)
    completed_on = models.DateField(_("tanggal selesai"), null=True, blank=True)
    evidence_note = models.CharField(_("bukti (nomor dokumen/keterangan)"), max_length=500, blank=True)
    evidence = models.FileField(_("berkas bukti"), upload_to=evidence_upload_to, blank=True)
    evidence_content_type = models.CharField(_("jenis berkas"), max_length=40, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("tonggak rencana aksi")
        verbose_name_plural = _("rencana aksi KITA AMAN")

    display_title = localized_property("title")
    display_owner = localized_property("owner")
    str_fields = ("display_title",)
