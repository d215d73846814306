import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """A task to publish, written in the same transaction as the change that
    caused it. A relay publishes pending rows; the row's UUID is the Celery
    task id, so consumers can recognise a redelivery."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENT = "sent", _("Terkirim ke antrean")
        FAILED = "failed", _("Gagal")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    task_name = models.CharField(_("tugas"), max_length=200)
    kwargs = models.JSONField(_("argumen"), default=dict)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    available_at = models.DateTimeField(_("boleh dikirim sejak"), default=timezone.now)
    sent_at = models.DateTimeField(_("dikirim"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)

    class Meta:
        verbose_name = _("antrean keluar")
        verbose_name_plural = _("antrean keluar")
        indexes = [
            # The relay's query: pending rows that are due, oldest first.
            models.Index(fields=["available_at"], name="outbox_pending_idx", condition=Q(state="pending")),
        ]

    def __str__(self):
        return f"{self.task_name} {self.state}"
