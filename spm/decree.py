"""The SK Bupati that forms the Tim Efektif penerapan SPM, and who signs the
programme's documents (prepared by, approved by).

Registered with the spm app (spm/models.py imports this module). Reads go
through spm/selectors.py (current_decree, signatories); spm/data_health.py
says when the SK is missing or about to lapse.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kitaaman.models import StrFromFields, UpdateStamped

# What spm.demo writes into a title or a name; data_health says so.
DEMO_MARK = "data demo"


def validate_nip(value: str) -> None:
    """NIP of a civil servant (PP 11/2017): 18 digits, the birth date
    (YYYYMMDD), the month of appointment (YYYYMM), sex (1 or 2) and a serial."""
    if not value:
        return
    if len(value) != 18 or not value.isdigit():
        raise ValidationError(_("NIP harus terdiri dari 18 angka."), code="nip_length")
    try:
        date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
        date(int(value[8:12]), int(value[12:14]), 1)
    except ValueError:
        raise ValidationError(
            _("NIP tidak valid: 8 angka pertama adalah tanggal lahir dan 6 berikutnya bulan pengangkatan."),
            code="nip_dates",
        )
    if value[14] not in "12":
        raise ValidationError(_("NIP tidak valid: angka ke-15 (jenis kelamin) harus 1 atau 2."), code="nip_sex")


class TeamDecree(UpdateStamped, StrFromFields):
    """SK Bupati tentang Tim Efektif penerapan SPM Trantibumlinmas."""

    number = models.CharField(_("nomor SK"), max_length=100, help_text=_("Misalnya: 188.45/123/KPTS/2025."))
    title = models.CharField(_("tentang"), max_length=300)
    signed_on = models.DateField(_("tanggal ditetapkan"))
    valid_from = models.DateField(_("berlaku mulai"))
    valid_until = models.DateField(
        _("berlaku sampai"), null=True, blank=True, help_text=_("Kosong: berlaku sampai dicabut atau diganti.")
    )
    created_at = models.DateTimeField(_("dicatat"), auto_now_add=True)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = verbose_name_plural = _("SK Tim Efektif")
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                name="spm_team_decree_number_unique",
                violation_error_message=_("SK dengan nomor ini sudah tercatat."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="spm_team_decree_period_order",
            ),
        ]

    str_fields = ("number", "title")

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": _("Tanggal akhir berlaku tidak boleh sebelum tanggal mulai.")})

    @property
    def is_demo(self) -> bool:
        return DEMO_MARK in self.title.lower()


class Signatory(UpdateStamped):
    """Who signs the programme's documents, per role; one active per role."""

    class Role(models.TextChoices):
        PREPARED = "prepared", _("Disiapkan oleh")
        APPROVED = "approved", _("Disetujui oleh")

    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)
    name = models.CharField(_("nama"), max_length=150)
    position = models.CharField(_("jabatan"), max_length=200)
    nip = models.CharField(
        _("NIP"),
        max_length=18,
        blank=True,
        validators=[validate_nip],
        help_text=_("18 angka. Kosongkan bila penanda tangan bukan ASN."),
    )
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["role", "-active", "name"]
        verbose_name = verbose_name_plural = _("penanda tangan")
        constraints = [
            # signatories() picks the one active row per role.
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(active=True),
                name="spm_signatory_one_active_role",
                violation_error_message=_("Sudah ada penanda tangan aktif untuk peran ini; nonaktifkan dahulu."),
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"

    @property
    def is_demo(self) -> bool:
        return self.name.lower().startswith("contoh") or DEMO_MARK in self.position.lower()
