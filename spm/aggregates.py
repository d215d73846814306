"""The report aggregates the dashboard, the desk counts and the home page read
instead of the reports table, kept in step by spm.rollup inside the
transaction of every report change. Counts are stored, never percentages.
"""

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Category, Desa, Kecamatan, Status

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
    removes exactly what was added before (also for fields the change signal's
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
