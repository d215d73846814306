"""Messages that reach the portal by SMS or WhatsApp and the conversations
they make up (the answers that go back are rows of the outbound ledger,
kitaaman.OutboundMessage).

Numbers are stored in one canonical form (+62…, see phone.py), so the same
person is the same sender on every channel and in every table.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.channels.phone import MAX_CONTACT_LENGTH
from incidents.models import Channel, Incident
from kitaaman.models import NewestFirst, StrFromFields, optional_fk, person_field

MESSAGE_CHANNELS = [(Channel.SMS.value, Channel.SMS.label), (Channel.WHATSAPP.value, Channel.WHATSAPP.label)]


class InboundMessage(StrFromFields):
    """One message as the provider delivered it, stored before anything else
    happens to it; processing reads it from here, so a failure there never
    loses it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu diproses")
        PROCESSED = "processed", _("Diproses")
        IGNORED = "ignored", _("Diabaikan")
        FAILED = "failed", _("Gagal diproses")
        # Stored as it came (cleaned) but not understood: the desk reads it.
        UNREADABLE = "unreadable", _("Tidak terbaca")

    channel = models.CharField(_("saluran"), max_length=10, choices=MESSAGE_CHANNELS)
    provider_id = models.CharField(_("ID pesan dari penyedia"), max_length=200)
    # A +62… number, or a WhatsApp user id (BSUID) when the sender hides their number.
    sender = models.CharField(_("pengirim"), max_length=MAX_CONTACT_LENGTH, blank=True)
    text = models.TextField(_("isi pesan"), blank=True)
    # [{"id": provider media id, "mime_type": ..., "caption": ...}]
    media = models.JSONField(_("lampiran"), default=list, blank=True)
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lng = models.FloatField(_("bujur"), null=True, blank=True)
    received_at = models.DateTimeField(_("diterima penyedia"), default=timezone.now)
    created_at = models.DateTimeField(_("disimpan"), default=timezone.now)
    raw = models.JSONField(_("data asli"), default=dict, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    note = models.CharField(_("keterangan"), max_length=200, blank=True)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    processed_at = models.DateTimeField(_("diproses pada"), null=True, blank=True)
    conversation = optional_fk(
        "Conversation", _("percakapan"), on_delete=models.SET_NULL, related_name="inbound_messages"
    )

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = verbose_name_plural = _("pesan masuk")
        constraints = [
            # A provider that delivers the same message twice (a retried webhook) stores it once.
            models.UniqueConstraint(fields=["channel", "provider_id"], name="inbound_unique_provider_id"),
        ]
        indexes = [
            # The processor's "next pending message of this sender" and the per-sender flood count.
            models.Index(fields=["channel", "sender", "created_at"], name="inbound_sender_idx"),
        ]

    str_fields = ("channel", "provider_id")


class Conversation(StrFromFields):
    """A guided report in progress (or finished) with one sender on one channel."""

    class Status(models.TextChoices):
        OPEN = "open", _("Berlangsung")
        DONE = "done", _("Menjadi laporan")
        CANCELLED = "cancelled", _("Dibatalkan")
        EXPIRED = "expired", _("Kedaluwarsa")

    channel = models.CharField(_("saluran"), max_length=10, choices=MESSAGE_CHANNELS)
    sender = models.CharField(_("pengirim"), max_length=MAX_CONTACT_LENGTH)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    step = models.CharField(_("langkah"), max_length=30, blank=True)
    # What the resident has given so far: category, desa, point, description, answers.
    data = models.JSONField(_("isian"), default=dict, blank=True)
    started_at = models.DateTimeField(_("dimulai"), default=timezone.now)
    last_activity_at = models.DateTimeField(_("aktivitas terakhir"), default=timezone.now)
    closed_at = models.DateTimeField(_("berakhir pada"), null=True, blank=True)
    incident = optional_fk(Incident, _("laporan"), on_delete=models.SET_NULL, related_name="conversations")

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = verbose_name_plural = _("percakapan")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "sender"], condition=Q(status="open"), name="conversation_one_open_per_sender"
            ),
        ]

    str_fields = ("channel", "sender", "status")


class InboundMedia(models.Model):
    """A photo sent in a message, fetched from the provider and re-encoded
    (clean_photo) before it is kept: what is stored carries no EXIF or GPS."""

    inbound = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="photos", verbose_name=_("pesan masuk")
    )
    media_id = models.CharField(_("ID media dari penyedia"), max_length=200)
    image = models.FileField(_("foto"), upload_to="pesan/%Y/%m/", blank=True)
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    error = models.CharField(_("alasan ditolak"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("diambil"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("foto pesan masuk")
        constraints = [models.UniqueConstraint(fields=["inbound", "media_id"], name="inbound_media_unique")]


class Contact(StrFromFields):
    """What the portal knows about a number on a channel: when it last wrote
    (WhatsApp's 24-hour window) and whether it said STOP."""

    channel = models.CharField(_("saluran"), max_length=10, choices=MESSAGE_CHANNELS)
    number = models.CharField(_("nomor"), max_length=MAX_CONTACT_LENGTH)
    last_inbound_at = models.DateTimeField(_("pesan terakhir masuk"), null=True, blank=True)
    opted_out_at = models.DateTimeField(_("berhenti berlangganan kabar"), null=True, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = _("kontak saluran")
        constraints = [models.UniqueConstraint(fields=["channel", "number"], name="contact_unique_number")]

    str_fields = ("channel", "number")


class BlockedNumber(NewestFirst, StrFromFields):
    """A number whose messages are stored but neither processed nor answered."""

    number = models.CharField(_("nomor"), max_length=MAX_CONTACT_LENGTH, unique=True)
    reason = models.CharField(_("alasan"), max_length=200, blank=True)
    blocked_by = person_field(_("diblokir oleh"))
    created_at = models.DateTimeField(_("diblokir pada"), default=timezone.now)

    class Meta(NewestFirst.Meta):
        verbose_name = verbose_name_plural = _("nomor diblokir")

    str_fields = ("number",)
