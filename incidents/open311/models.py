"""Partner applications and their Open311 keys.

Registered with the incidents app (incidents/models.py imports this module).
A key is shown once when issued and stored only as a SHA-256 digest; its first
characters (the prefix) find the row without comparing every digest.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitaaman.models import NewestFirst, StrFromFields, person_field


class PartnerApplication(StrFromFields):
    """A system allowed to submit reports through Open311 (a civic app, a
    provincial command centre, a company's grievance desk). Registering one
    records that its operator collects the reporter's consent to process
    personal data, as the web form asks of a citizen."""

    name = models.CharField(_("nama aplikasi"), max_length=100, unique=True)
    organisation = models.CharField(_("pengelola"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail kontak"), blank=True)
    note = models.TextField(_("catatan"), blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("didaftarkan"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("aplikasi mitra Open311")

    str_fields = ("name",)


class PartnerKey(NewestFirst):
    application = models.ForeignKey(
        PartnerApplication, on_delete=models.CASCADE, related_name="keys", verbose_name=_("aplikasi mitra")
    )
    prefix = models.CharField(_("awalan kunci"), max_length=16, unique=True)
    digest = models.CharField(_("sidik SHA-256"), max_length=64)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    created_by = person_field(_("dibuat oleh"))
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = person_field(_("dicabut oleh"))
    last_used_at = models.DateTimeField(_("terakhir dipakai"), null=True, blank=True)

    class Meta(NewestFirst.Meta):
        verbose_name = verbose_name_plural = _("kunci API Open311")
        # Revoking "all keys of an application" reads the active ones.
        indexes = [
            models.Index(fields=["application"], name="o311key_active_idx", condition=Q(revoked_at__isnull=True))
        ]

    def __str__(self):
        return f"{self.application} · {self.prefix}…"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.application.active
