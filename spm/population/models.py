"""Residents per kecamatan and desa: the denominator of "laporan per 1.000
penduduk". Data, not configuration: every figure says where it comes from
and for which year, and the dashboard shows both."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incidents.models import Desa, Kecamatan, optional_area_field
from kitaaman.models import ChangeStamped

# What spm.demo writes; the dashboard says so next to the figures.
DEMO_SOURCE = "data demo"


class Population(ChangeStamped):
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="populations", verbose_name=_("kecamatan")
    )
    desa = optional_area_field(
        Desa,
        related_name="populations",
        help_text=_("Kosong: jumlah penduduk seluruh kecamatan."),
    )
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    value = models.PositiveIntegerField(_("jumlah penduduk"), validators=[MinValueValidator(1)])
    source = models.CharField(
        _("sumber"), max_length=200, help_text=_("Misalnya: BPS, Kecamatan Rupit Dalam Angka 2025.")
    )

    class Meta:
        ordering = ["-year", "kecamatan_id", "desa_id"]
        verbose_name = verbose_name_plural = _("jumlah penduduk")
        constraints = [
            # One figure per area and year; the kecamatan's own row has no desa,
            # and NULLs never collide in a plain unique index.
            models.UniqueConstraint(
                fields=["kecamatan", "year"], condition=Q(desa__isnull=True), name="population_unique_kecamatan"
            ),
            models.UniqueConstraint(
                fields=["desa", "year"], condition=Q(desa__isnull=False), name="population_unique_desa"
            ),
            models.CheckConstraint(condition=Q(value__gt=0), name="population_value_positive"),
        ]

    def __str__(self):
        return f"{self.desa or self.kecamatan} {self.year}: {self.value}"

    @property
    def code(self) -> str:
        return self.desa_id or self.kecamatan_id
