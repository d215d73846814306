"""SPM Trantibumlinmas: reference data, what the Tim Efektif records, and the
report aggregates the dashboard reads instead of the reports table.

Figures are never stored as percentages: counts are stored, percentages are
computed in spm/calculations.py.
"""

import uuid
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Category, Desa, Kecamatan, SpmService, Status
from kitaaman.localized import localized
from kitaaman.models import ChangeStamped

# The SK Tim Efektif and the signatories belong to this app (see spm/decree.py).
from .decree import Signatory, TeamDecree  # noqa: F401


class Hazard(models.TextChoices):
    """Hazard types of Permendagri 101/2018 that matter in the region (codes as on Category.hazard)."""

    BANJIR = "banjir", _("Banjir")
    LONGSOR = "tanah-longsor", _("Tanah longsor")
    KARHUTLA = "karhutla", _("Kebakaran hutan dan lahan")
    PUTING_BELIUNG = "puting-beliung", _("Angin puting beliung")
    KEKERINGAN = "kekeringan", _("Kekeringan")
    GEMPA = "gempa-bumi", _("Gempa bumi")
    LAINNYA = "lainnya", _("Lainnya")


class SpmSettings(models.Model):
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
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("pengaturan SPM")
        verbose_name_plural = _("pengaturan SPM")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="spm_settings_singleton"),
            models.CheckConstraint(
                condition=Q(band_yellow__lte=models.F("band_green")), name="spm_settings_bands_order"
            ),
        ]

    def __str__(self):
        return str(_("Pengaturan SPM"))

    @classmethod
    def get(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


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
        verbose_name = _("layanan SPM")
        verbose_name_plural = _("layanan SPM")
        constraints = [
            models.CheckConstraint(
                condition=Q(weight_recipients__lte=100) & Q(weight_quality__lte=100), name="spm_service_weights_range"
            ),
        ]

    def __str__(self):
        return self.display_short_name or self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_short_name(self) -> str:
        return localized(self, "short_name")

    @property
    def from_reports(self):
        return self.source == self.Source.LAPORAN


class QualityItem(models.Model):
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
        verbose_name = _("standar mutu")
        verbose_name_plural = _("standar mutu")
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="spm_quality_item_unique")]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return localized(self, "name")


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
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spm_assessments",
        verbose_name=_("kecamatan"),
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
        verbose_name = _("penilaian mutu triwulan")
        verbose_name_plural = _("penilaian mutu triwulan")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "year", "quarter"],
                condition=models.Q(kecamatan__isnull=True),
                name="spm_assessment_unique",
            ),
            models.UniqueConstraint(
                fields=["service", "year", "quarter", "kecamatan"],
                condition=models.Q(kecamatan__isnull=False),
                name="spm_assessment_kecamatan_unique",
            ),
        ]

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
        verbose_name = _("butir penilaian mutu")
        verbose_name_plural = _("butir penilaian mutu")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="spm_check_unique")]


class Target(ChangeStamped):
    """Who must be served for the activity-based services, for a year."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="targets", verbose_name=_("layanan"))
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    kecamatan = models.ForeignKey(
        Kecamatan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spm_targets",
        verbose_name=_("kecamatan"),
        help_text=_("Kosong: seluruh kabupaten, tanpa rincian kecamatan."),
    )
    hazard = models.CharField(_("jenis bahaya"), max_length=20, choices=Hazard.choices, blank=True)
    value = models.PositiveIntegerField(_("jumlah warga yang harus dilayani"))
    note = models.CharField(_("sumber data/catatan"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "service__sort_order", "kecamatan_id", "hazard"]
        verbose_name = _("sasaran SPM")
        verbose_name_plural = _("sasaran SPM")
        constraints = [
            # One value per key; NULL kecamatan (whole kabupaten) needs its own
            # partial index because NULLs never collide in a plain one.
            models.UniqueConstraint(
                fields=["service", "year", "kecamatan", "hazard"],
                condition=Q(kecamatan__isnull=False),
                name="spm_target_unique_kec",
            ),
            models.UniqueConstraint(
                fields=["service", "year", "hazard"], condition=Q(kecamatan__isnull=True), name="spm_target_unique_kab"
            ),
        ]

    def __str__(self):
        return f"{self.service} {self.year} {self.kecamatan or _('kabupaten')} {self.hazard}".strip()


class Budget(ChangeStamped):
    """What the kabupaten budgeted (pagu) and spent (realisasi) on a service in
    a year, in whole rupiah: the budget part of the e-SPM report. Realisasi may
    exceed pagu (budget changes mid-year); negative amounts are refused."""

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("layanan"))
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    pagu = models.DecimalField(
        _("pagu anggaran (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    realisasi = models.DecimalField(
        _("realisasi anggaran (Rp)"), max_digits=15, decimal_places=0, validators=[MinValueValidator(0)]
    )
    note = models.CharField(_("sumber data/catatan"), max_length=500, blank=True)

    class Meta:
        ordering = ["-year", "service__sort_order"]
        verbose_name = _("anggaran SPM")
        verbose_name_plural = _("anggaran SPM")
        constraints = [
            models.UniqueConstraint(fields=["service", "year"], name="spm_budget_unique"),
            models.CheckConstraint(condition=Q(pagu__gte=0) & Q(realisasi__gte=0), name="spm_budget_not_negative"),
        ]

    def __str__(self):
        return f"{self.service} {self.year}"


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dicatat oleh"),
    )
    created_at = models.DateTimeField(_("dicatat"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("kegiatan SPM")
        verbose_name_plural = _("kegiatan SPM")
        # Served-to-date per service and year, optionally per kecamatan.
        indexes = [models.Index(fields=["service", "date", "kecamatan"], name="spm_activity_period_idx")]

    def __str__(self):
        return f"{self.service} {self.date:%d-%m-%Y} {self.desa}"


class Milestone(ChangeStamped):
    """KITA AMAN action plan."""

    class State(models.TextChoices):
        BELUM = "belum", _("Belum dimulai")
        PROSES = "proses", _("Dalam proses")
        SELESAI = "selesai", _("Selesai")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
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
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("tonggak rencana aksi")
        verbose_name_plural = _("rencana aksi KITA AMAN")

    def __str__(self):
        return self.display_title

    @property
    def display_title(self) -> str:
        return localized(self, "title")

    @property
    def display_owner(self) -> str:
        return localized(self, "owner")


# --- Report aggregates -------------------------------------------------------

# Histogram edges. Times to verify/finish in hours, fire response in minutes;
# the last bucket is open-ended. Medians are interpolated inside a bucket.
HOUR_EDGES = (1, 4, 8, 24, 48, 72, 120, 168, 336, 720)
FIRE_MINUTE_EDGES = (5, 10, 15, 20, 30, 60)
HOUR_BUCKETS = [f"vh{i}" for i in range(len(HOUR_EDGES) + 1)]
FINISH_BUCKETS = [f"fh{i}" for i in range(len(HOUR_EDGES) + 1)]
FIRE_BUCKETS = [f"fr{i}" for i in range(len(FIRE_MINUTE_EDGES) + 1)]

MEASURES = [
    "n",
    "spm_must",  # sum of spm_must_serve
    "spm_served",  # sum of spm_served as recorded
    "spm_served_ok",  # served "sesuai standar" (fires: only when on scene within the standard)
    "fire_n",  # fire reports
    "fire_arrived",
    "fire_on_time",
    "fire_seconds",
    *FIRE_BUCKETS,
    "verified",
    "verify_seconds",
    "verify_in_sla",
    *HOUR_BUCKETS,
    "resolved",
    "finish_seconds",
    "finish_in_sla",
    *FINISH_BUCKETS,
    # Entered into the portal after the month, quarter or year in which the
    # report was received had ended (a correction to that period's figures).
    "late_month",
    "late_quarter",
    "late_year",
]


class MeasuresMixin(models.Model):
    """Signed counters: the incremental update subtracts a report from its old key."""

    n = models.IntegerField("n", default=0, db_default=0)
    spm_must = models.IntegerField("spm_must", default=0, db_default=0)
    spm_served = models.IntegerField("spm_served", default=0, db_default=0)
    spm_served_ok = models.IntegerField("spm_served_ok", default=0, db_default=0)
    fire_n = models.IntegerField("fire_n", default=0, db_default=0)
    fire_arrived = models.IntegerField("fire_arrived", default=0, db_default=0)
    fire_on_time = models.IntegerField("fire_on_time", default=0, db_default=0)
    fire_seconds = models.BigIntegerField("fire_seconds", default=0, db_default=0)
    fr0 = models.IntegerField("fr0", default=0, db_default=0)
    fr1 = models.IntegerField("fr1", default=0, db_default=0)
    fr2 = models.IntegerField("fr2", default=0, db_default=0)
    fr3 = models.IntegerField("fr3", default=0, db_default=0)
    fr4 = models.IntegerField("fr4", default=0, db_default=0)
    fr5 = models.IntegerField("fr5", default=0, db_default=0)
    fr6 = models.IntegerField("fr6", default=0, db_default=0)
    verified = models.IntegerField("verified", default=0, db_default=0)
    verify_seconds = models.BigIntegerField("verify_seconds", default=0, db_default=0)
    verify_in_sla = models.IntegerField("verify_in_sla", default=0, db_default=0)
    vh0 = models.IntegerField("vh0", default=0, db_default=0)
    vh1 = models.IntegerField("vh1", default=0, db_default=0)
    vh2 = models.IntegerField("vh2", default=0, db_default=0)
    vh3 = models.IntegerField("vh3", default=0, db_default=0)
    vh4 = models.IntegerField("vh4", default=0, db_default=0)
    vh5 = models.IntegerField("vh5", default=0, db_default=0)
    vh6 = models.IntegerField("vh6", default=0, db_default=0)
    vh7 = models.IntegerField("vh7", default=0, db_default=0)
    vh8 = models.IntegerField("vh8", default=0, db_default=0)
    vh9 = models.IntegerField("vh9", default=0, db_default=0)
    vh10 = models.IntegerField("vh10", default=0, db_default=0)
    resolved = models.IntegerField("resolved", default=0, db_default=0)
    finish_seconds = models.BigIntegerField("finish_seconds", default=0, db_default=0)
    finish_in_sla = models.IntegerField("finish_in_sla", default=0, db_default=0)
    fh0 = models.IntegerField("fh0", default=0, db_default=0)
    fh1 = models.IntegerField("fh1", default=0, db_default=0)
    fh2 = models.IntegerField("fh2", default=0, db_default=0)
    fh3 = models.IntegerField("fh3", default=0, db_default=0)
    fh4 = models.IntegerField("fh4", default=0, db_default=0)
    fh5 = models.IntegerField("fh5", default=0, db_default=0)
    fh6 = models.IntegerField("fh6", default=0, db_default=0)
    fh7 = models.IntegerField("fh7", default=0, db_default=0)
    fh8 = models.IntegerField("fh8", default=0, db_default=0)
    fh9 = models.IntegerField("fh9", default=0, db_default=0)
    fh10 = models.IntegerField("fh10", default=0, db_default=0)
    late_month = models.IntegerField("late_month", default=0, db_default=0)
    late_quarter = models.IntegerField("late_quarter", default=0, db_default=0)
    late_year = models.IntegerField("late_year", default=0, db_default=0)

    class Meta:
        abstract = True


class StatDaily(MeasuresMixin):
    """Reports per day (WIB, of reported_at: when the report was received) x category x desa x status."""

    day = models.DateField(_("tanggal"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("kategori"))
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+", verbose_name=_("desa/kelurahan"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)

    class Meta:
        verbose_name = _("agregat laporan harian")
        verbose_name_plural = _("agregat laporan harian")
        constraints = [models.UniqueConstraint(fields=["day", "category", "desa", "status"], name="spm_statdaily_key")]
        # Weekly summaries and desa drill-downs: a date range, optionally per kecamatan.
        indexes = [models.Index(fields=["kecamatan", "day"], name="spm_statdaily_kec_day_idx")]


class StatMonthly(MeasuresMixin):
    """Reports per month x category x kecamatan x status: what the dashboard reads
    (a year is at most 12 x categories x 7 x 6 rows)."""

    month = models.DateField(_("bulan"))
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="+", verbose_name=_("kategori"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)

    class Meta:
        verbose_name = _("agregat laporan bulanan")
        verbose_name_plural = _("agregat laporan bulanan")
        constraints = [
            models.UniqueConstraint(fields=["month", "category", "kecamatan", "status"], name="spm_statmonthly_key")
        ]


class StatMonthlyDesa(models.Model):
    """Reports per month x desa x status (the count only): the desa table of a
    kecamatan on /dasbor/ reads a few hundred rows of it instead of every day
    of every category in the daily table."""

    month = models.DateField(_("bulan"))
    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+", verbose_name=_("desa/kelurahan"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    n = models.IntegerField("n", default=0, db_default=0)

    class Meta:
        verbose_name = _("agregat laporan bulanan per desa")
        verbose_name_plural = _("agregat laporan bulanan per desa")
        constraints = [models.UniqueConstraint(fields=["month", "desa", "status"], name="spm_statmonthlydesa_key")]
        # The desa table of one kecamatan and period.
        indexes = [models.Index(fields=["kecamatan", "month"], name="spm_statmonthlydesa_kec_idx")]


class StatOpenDue(models.Model):
    """Open reports by the day (WIB) their running deadline falls on and the
    month they were received: the overdue backlog is the sum of the past days
    plus today's, read live; the month tells a period's own reports from
    those carried over, and the status the verification deadline (baru) from
    the follow-up one."""

    due_day = models.DateField(_("tanggal batas waktu"))
    received_month = models.DateField(_("bulan diterima"), default=date(2000, 1, 1))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    n = models.IntegerField("n", default=0, db_default=0)

    class Meta:
        verbose_name = _("agregat batas waktu laporan terbuka")
        verbose_name_plural = _("agregat batas waktu laporan terbuka")
        constraints = [
            # No category: the backlog is shown per kecamatan and status, and
            # fewer rows keep its sum cheap at a million reports.
            models.UniqueConstraint(
                fields=["due_day", "kecamatan", "status", "received_month"], name="spm_statopendue_month_key"
            )
        ]


class IncidentStatState(models.Model):
    """What each report currently contributes to the aggregates, so a change
    removes exactly what was added before (also for fields the change hook's
    snapshot does not carry, such as the deadlines)."""

    incident = models.OneToOneField(
        "incidents.Incident", on_delete=models.CASCADE, primary_key=True, related_name="+", verbose_name=_("laporan")
    )
    day = models.DateField()
    category_id_value = models.BigIntegerField()
    desa_code = models.CharField(max_length=13)
    kecamatan_code = models.CharField(max_length=8)
    status = models.CharField(max_length=12)
    due_day = models.DateField(null=True)
    measures = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("kontribusi laporan pada agregat")
        verbose_name_plural = _("kontribusi laporan pada agregat")


class OverdueSnapshot(models.Model):
    """Overdue reports as at one moment (a midnight WIB, the end of a day and
    so of any period), per kecamatan and month received: taken once, just
    after that moment (beat) or at the first request for it, and kept, so a
    closed period's document shows what the register showed at its end.
    Reports entered later appear as corrections in the next summary."""

    at = models.DateTimeField(_("per"))
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.CASCADE, related_name="+", verbose_name=_("kecamatan"))
    received_month = models.DateField(_("bulan diterima"))
    overdue = models.IntegerField(_("melewati batas waktu"), default=0)
    open = models.IntegerField(_("terbuka"), default=0)

    class Meta:
        verbose_name = _("potret laporan melewati batas")
        verbose_name_plural = _("potret laporan melewati batas")
        constraints = [
            models.UniqueConstraint(fields=["at", "kecamatan", "received_month"], name="spm_overdue_snapshot_key")
        ]


class OverdueSnapshotRun(models.Model):
    """Marks a moment whose snapshot is complete (rows exist only where a count is not zero)."""

    at = models.DateTimeField(_("per"), unique=True)
    taken_at = models.DateTimeField(_("diambil pada"), default=timezone.now)

    class Meta:
        verbose_name = _("potret laporan melewati batas (selesai)")
        verbose_name_plural = _("potret laporan melewati batas (selesai)")


class FireMedianCache(models.Model):
    """The exact median fire response time of a range of days and an area,
    kept once computed: reading 65,000 arrival times a year costs more than a
    whole dashboard page. Valid while the aggregates still hold the same fires
    (`arrived` and `seconds`, their count and total); a change to a fire's
    contribution removes the rows whose range covers its day (spm/rollup.py)."""

    start = models.DateField(_("dari"))
    end = models.DateField(_("sampai"))
    kecamatan = models.CharField(_("kecamatan"), max_length=8, blank=True, default="")
    arrived = models.IntegerField(_("kebakaran dengan waktu tiba"))
    seconds = models.BigIntegerField(_("jumlah detik tanggap"))
    minutes = models.FloatField(_("median (menit)"), null=True)

    class Meta:
        verbose_name = _("median waktu tanggap tersimpan")
        verbose_name_plural = _("median waktu tanggap tersimpan")
        constraints = [models.UniqueConstraint(fields=["start", "end", "kecamatan"], name="spm_fire_median_key")]
