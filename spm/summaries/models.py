"""Periodic compliance summaries for the Tim Efektif and the pimpinan.

One row per (kind, period): generating a period again bumps its revision and
replaces figures and files in one transaction. Runs (scheduled or requested)
are recorded in SummaryRun, which is also how two beat processes firing the
same schedule end up doing the work once.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitaaman.models import NewestFirst, StrFromFields, optional_fk


class Kind(models.TextChoices):
    WEEKLY = "weekly", _("Mingguan")
    MONTHLY = "monthly", _("Bulanan")
    QUARTERLY = "quarterly", _("Triwulanan")


def summary_upload_to(instance, filename):
    # Server-generated name: period and revision for people, a random part so
    # an old link never points at a newer revision's file.
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"ringkasan/{instance.kind}/{instance.period_key}-r{instance.revision}-{uuid.uuid4().hex[:12]}.{extension}"


class Summary(models.Model):
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    period_key = models.CharField(_("periode"), max_length=10, help_text=_("Misalnya 2026-W48, 2026-11, 2026-Q4."))
    start_date = models.DateField(_("tanggal awal"))
    end_date = models.DateField(_("tanggal akhir"))
    revision = models.PositiveIntegerField(_("revisi"), default=1)
    provisional = models.BooleanField(
        _("sementara"), default=False, help_text=_("Periode belum berakhir saat ringkasan dibuat.")
    )
    generated_at = models.DateTimeField(_("dibuat pada"), default=timezone.now)
    figures = models.JSONField(_("angka"), default=dict)
    pdf = models.FileField(_("berkas PDF"), upload_to=summary_upload_to, blank=True)
    xlsx = models.FileField(_("berkas XLSX"), upload_to=summary_upload_to, blank=True)
    # Highest revision whose e-mailing has been claimed (conditional UPDATE in summary_send).
    mailed_revision = models.PositiveIntegerField(_("revisi yang sudah dikirim"), default=0)
    mailed_at = models.DateTimeField(_("dikirim pada"), null=True, blank=True)

    class Meta:
        ordering = ["-end_date", "kind", "-id"]
        verbose_name = verbose_name_plural = _("ringkasan kepatuhan")
        constraints = [models.UniqueConstraint(fields=["kind", "period_key"], name="summary_unique_period")]
        # The list page and the API: newest first.
        indexes = [models.Index(fields=["-generated_at", "-id"], name="summary_generated_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.period_key} r{self.revision}"

    @property
    def label(self):
        return self.figures.get("period", {}).get("label") or self.period_key


class SummaryRun(NewestFirst, StrFromFields):
    """One request to produce a period's summary: from the beat schedule (keyed
    by the schedule's intended run time), a retry of it, or the command.

    The unique key makes a duplicate beat find the run already claimed; the
    attempts counter bounds how often a failing run is retried."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        RUNNING = "running", _("Sedang dibuat")
        DONE = "done", _("Selesai")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    period_key = models.CharField(_("periode"), max_length=10)
    scheduled_for = models.DateTimeField(_("jadwal"), null=True, blank=True)
    source = models.CharField(_("sumber"), max_length=20, default="schedule")
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.PENDING)
    task_id = models.CharField(_("ID tugas"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    summary = optional_fk(Summary, _("ringkasan"), on_delete=models.SET_NULL, related_name="runs")
    revision = models.PositiveIntegerField(_("revisi yang dihasilkan"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta(NewestFirst.Meta):
        verbose_name = verbose_name_plural = _("proses ringkasan")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_key", "scheduled_for"],
                condition=models.Q(scheduled_for__isnull=False),
                name="summary_run_unique_schedule",
            )
        ]

    str_fields = ("kind", "period_key", "state")
