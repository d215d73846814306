import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitaaman.localized import localized


def optional_fk(to, verbose_name, *, on_delete, blank=True, **options) -> models.ForeignKey:
    """A link a record may lack (NULL): `on_delete` says what becomes of the
    record when the row it points at goes."""
    return models.ForeignKey(to, on_delete=on_delete, null=True, blank=blank, verbose_name=verbose_name, **options)


def person_field(verbose_name, *, related_name="+", blank=True) -> models.ForeignKey:
    """Who did something (wrote, assigned, revoked, published): the record
    outlives the person's account, which leaves it empty (SET_NULL)."""
    return optional_fk(
        settings.AUTH_USER_MODEL, verbose_name, on_delete=models.SET_NULL, related_name=related_name, blank=blank
    )


def localized_property(field: str) -> property:
    """`display_<field>`: the field in the interface's language (kitaaman.localized)."""
    return property(lambda self: localized(self, field))


class StrFromFields(models.Model):
    """A row's text: the values of `str_fields`, separated by spaces."""

    str_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def __str__(self):
        return " ".join(str(getattr(self, name)) for name in self.str_fields)


class UpdateStamped(models.Model):
    """When a row was last saved."""

    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        abstract = True


class ChangeStamped(UpdateStamped):
    """Who changed a row last and when: records that people edit (targets,
    budgets, checklists, milestones, population) carry them; the audit log
    keeps the history."""

    updated_by = person_field(_("diubah oleh"))

    class Meta:
        abstract = True


class SeededEntry(models.Model):
    """A row of a list the portal seeds and keeps (report categories,
    action-plan milestones): found again by its stable code, shown in its
    set place."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        abstract = True


class NewestFirst(models.Model):
    """Rows listed newest first by their own created_at (logs, keys, runs);
    the id orders the rows of one instant."""

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]


class Singleton(models.Model):
    """A settings record of which there is one row (pk 1; each model's check
    constraint holds it there), made with its defaults on first read."""

    class Meta:
        abstract = True

    @classmethod
    def get(cls):
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class OutboxMessage(StrFromFields):
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
        verbose_name = verbose_name_plural = _("antrean keluar")
        indexes = [
            # The relay's query: pending rows that are due, oldest first.
            models.Index(fields=["available_at"], name="outbox_pending_idx", condition=Q(state="pending")),
        ]

    str_fields = ("task_name", "state")


class OutboundMessage(StrFromFields):
    """One message to one recipient on one channel: every e-mail, SMS and
    WhatsApp message that leaves the portal (staff notifications, answers and
    news to residents, early warnings, summaries) is one row here, written
    with its content and sent by one task (kitaaman.outbound).

    The unique (message_id, recipient) key is what makes a redelivered task
    safe: the second run finds the row already sent and does not send again.
    The row is claimed with a conditional UPDATE (pending -> sending) before
    the provider is called."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp")

    class State(models.TextChoices):
        PENDING = "pending", _("Menunggu")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal")

    class Kind(models.TextChoices):
        INCIDENT_CREATED = "incident_created", _("Laporan prioritas tinggi")
        ASSIGNMENT = "assignment", _("Penugasan instansi")
        ASSIGNMENT_REQUEST = "assignment_request", _("Permintaan penugasan")
        STATUS_CHANGE = "status_change", _("Kabar laporan lewat e-mail")
        ESCALATION = "escalation", _("Laporan melewati batas waktu")
        WARNING = "warning", _("Peringatan dini")
        WARNING_CONFIRM = "warning_confirm", _("Konfirmasi langganan peringatan")
        WARNING_APPROVAL = "warning_approval", _("Peringatan menunggu persetujuan")
        SUMMARY = "summary", _("Ringkasan berkala")
        REPLY = "reply", _("Balasan")
        STATUS = "status", _("Kabar laporan")
        NOTICE = "notice", _("Pemberitahuan")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # What produced the message (the outbox row of the task, a warning's
    # delivery id, ...): with the recipient, the key of one delivery.
    message_id = models.UUIDField(_("ID pesan antrean"), default=uuid.uuid4, db_index=True)
    kind = models.CharField(_("jenis"), max_length=40, choices=Kind.choices)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("penerima"), max_length=254)
    subject = models.CharField(_("subjek"), max_length=255, blank=True)
    text = models.TextField(_("isi pesan"), blank=True)
    html = models.TextField(_("isi HTML"), blank=True)
    # [{"name": file name, "path": name in default storage, "mimetype": ...}]
    attachments = models.JSONField(_("lampiran"), default=list, blank=True)
    # Body parameters of the pre-approved WhatsApp template, used when the
    # 24-hour customer-service window has closed by the time it is sent.
    template_params = models.JSONField(_("parameter templat"), default=list, blank=True)
    template = models.CharField(_("templat yang dipakai"), max_length=100, blank=True)
    # Plain references, not foreign keys: kitaaman does not depend on the apps it serves.
    incident_id = models.BigIntegerField(_("ID laporan"), null=True, blank=True, db_index=True)
    event_id = models.BigIntegerField(_("ID riwayat laporan"), null=True, blank=True)
    conversation_id = models.BigIntegerField(_("ID percakapan"), null=True, blank=True, db_index=True)
    in_reply_to_id = models.BigIntegerField(_("ID pesan yang dibalas"), null=True, blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("percobaan"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)
    provider_id = models.CharField(_("ID pesan dari penyedia"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    claimed_at = models.DateTimeField(_("mulai dikirim"), null=True, blank=True)
    sent_at = models.DateTimeField(_("terkirim pada"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("pesan keluar")
        constraints = [
            models.UniqueConstraint(fields=["message_id", "recipient"], name="outbound_one_per_recipient"),
            # News of one status change reaches one number once.
            models.UniqueConstraint(
                fields=["event_id", "recipient"],
                condition=Q(event_id__isnull=False),
                name="outbound_one_per_event_recipient",
            ),
            # One answer per message received (and per kind of answer).
            models.UniqueConstraint(
                fields=["in_reply_to_id", "kind"],
                condition=Q(in_reply_to_id__isnull=False),
                name="outbound_one_reply_per_kind",
            ),
        ]

    str_fields = ("channel", "recipient", "state")


HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Tulis warna sebagai #rrggbb, mis. #0b5d3b."))


class RegionProfile(UpdateStamped):
    """The Pemda this portal serves: one row, edited in the admin and set by
    `manage.py setup_pemda`. Pages, replies, CAP messages and exports read
    the region's names from here (kitaaman.region), never from code."""

    class Kind(models.TextChoices):
        KABUPATEN = "kabupaten", _("Kabupaten")
        KOTA = "kota", _("Kota")

    kind = models.CharField(_("jenis daerah"), max_length=10, choices=Kind.choices, default=Kind.KABUPATEN)
    code = models.CharField(_("kode Kemendagri"), max_length=5, help_text=_("Kode kabupaten/kota, mis. 16.73."))
    name = models.CharField(_("nama daerah"), max_length=100, help_text=_("Tanpa jenis, mis. Lubuk Linggau."))
    official_name = models.CharField(_("nama resmi"), max_length=120, help_text=_("Mis. Kota Lubuk Linggau."))
    short_name = models.CharField(_("nama singkat"), max_length=40, help_text=_("Dipakai di SMS dan judul pendek."))
    province = models.CharField(_("provinsi"), max_length=100, blank=True)
    head_title = models.CharField(_("sebutan kepala daerah"), max_length=40, help_text=_("Bupati atau Wali Kota."))
    asisten_title = models.CharField(_("jabatan Asisten Pemerintahan"), max_length=150, blank=True)
    satpol_pp_name = models.CharField(_("nama satuan Satpol PP"), max_length=150)
    address = models.CharField(_("alamat kantor"), max_length=250, blank=True)
    phone = models.CharField(_("telepon layanan"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail layanan"), blank=True)
    emergency_numbers = models.CharField(_("nomor darurat"), max_length=120, default="112")
    domain = models.CharField(
        _("domain resmi"), max_length=100, blank=True, help_text=_("Mis. lubuklinggaukota.go.id.")
    )
    logo = models.ImageField(_("logo"), upload_to="region/", blank=True)
    colour_primary = models.CharField(
        _("warna utama"),
        max_length=7,
        default="#0b5d3b",
        validators=[HEX_COLOUR],
        help_text=_("Kode warna #rrggbb untuk kepala halaman dan tombol; teks putih harus tetap terbaca di atasnya."),
    )
    colour_accent = models.CharField(
        _("warna aksen"), max_length=7, default="#f5c518", validators=[HEX_COLOUR], help_text=_("Kode warna #rrggbb.")
    )
    data_controller = models.CharField(_("pengendali data pribadi"), max_length=200)
    cap_sender = models.CharField(_("pengirim CAP"), max_length=100)
    cap_sender_name = models.CharField(_("nama pengirim CAP"), max_length=150)
    cap_contact = models.CharField(_("kontak di pesan CAP"), max_length=200, blank=True)
    cap_profile_code = models.CharField(_("kode profil CAP"), max_length=60)
    cap_identifier_prefix = models.CharField(_("awalan identitas pesan CAP"), max_length=30)
    sms_prefix = models.CharField(_("awalan SMS peringatan"), max_length=40, help_text=_("Mis. BPBD LUBUKLINGGAU."))
    perda_trantibum = models.CharField(_("Perda ketertiban umum"), max_length=250, blank=True)
    sk_tim_efektif = models.CharField(_("SK Tim Efektif"), max_length=250, blank=True)
    min_lat = models.FloatField(_("batas selatan peta"))
    max_lat = models.FloatField(_("batas utara peta"))
    min_lng = models.FloatField(_("batas barat peta"))
    max_lng = models.FloatField(_("batas timur peta"))

    class Meta:
        verbose_name = verbose_name_plural = _("profil daerah")

    def __str__(self):
        return self.official_name

    @property
    def is_kota(self) -> bool:
        return self.kind == self.Kind.KOTA

    @property
    def bbox(self) -> dict:
        return {"min_lat": self.min_lat, "max_lat": self.max_lat, "min_lng": self.min_lng, "max_lng": self.max_lng}

    @property
    def code_digits(self) -> str:
        return self.code.replace(".", "")
