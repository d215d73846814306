"""Disaster information and early warnings, published as CAP 1.2 messages.

A warning (`Alert`) is one CAP message. An update or a cancellation is a new
message (msgType Update/Cancel) whose `references` points at the message it
replaces; publishing it moves the earlier one to superseded/cancelled. Every
change of state is an `AlertEvent` row (who, when, from, to, why), and the
state on the alert is written in the same transaction as its event.

Once published, a message's CAP document is frozen in `cap_xml`: re-importing
boundaries later never changes what was sent.
"""

import secrets
import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models import Desa, Kecamatan, optional_area_field
from kitaaman import region
from kitaaman.models import NewestFirst, Singleton, StrFromFields, UpdateStamped, optional_fk, person_field
from spm.models import Hazard

from .validators import validate_warning_text

# What a warning is about: the hazard types of the SPM figures (spm.Hazard,
# same codes and names), fire and conflict, then "other" last.
EventType = models.TextChoices(
    "EventType",
    [
        *((hazard.name, (hazard.value, hazard.label)) for hazard in Hazard if hazard != Hazard.LAINNYA),
        ("KEBAKARAN", ("kebakaran", _("Kebakaran"))),
        ("KONFLIK", ("konflik", _("Konflik/gangguan ketertiban"))),
        ("LAINNYA", (Hazard.LAINNYA.value, Hazard.LAINNYA.label)),
    ],
)


class CapCategory(models.TextChoices):
    GEO = "Geo", _("Geofisika (termasuk longsor, gempa)")
    MET = "Met", _("Meteorologi (termasuk banjir)")
    SAFETY = "Safety", _("Keselamatan umum")
    SECURITY = "Security", _("Keamanan dan ketertiban")
    RESCUE = "Rescue", _("Penyelamatan")
    FIRE = "Fire", _("Kebakaran")
    HEALTH = "Health", _("Kesehatan")
    ENV = "Env", _("Lingkungan")
    INFRA = "Infra", _("Infrastruktur")
    OTHER = "Other", _("Lainnya")


class Urgency(models.TextChoices):
    IMMEDIATE = "Immediate", _("Segera (bertindak sekarang)")
    EXPECTED = "Expected", _("Diperkirakan (dalam satu jam ke depan)")
    FUTURE = "Future", _("Mendatang")
    PAST = "Past", _("Sudah lewat")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class Severity(models.TextChoices):
    EXTREME = "Extreme", _("Ekstrem")
    SEVERE = "Severe", _("Berat")
    MODERATE = "Moderate", _("Sedang")
    MINOR = "Minor", _("Ringan")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class Certainty(models.TextChoices):
    OBSERVED = "Observed", _("Sudah terjadi")
    LIKELY = "Likely", _("Kemungkinan besar")
    POSSIBLE = "Possible", _("Mungkin")
    UNLIKELY = "Unlikely", _("Kecil kemungkinannya")
    UNKNOWN = "Unknown", _("Tidak diketahui")


class MsgType(models.TextChoices):
    ALERT = "Alert", _("Peringatan baru")
    UPDATE = "Update", _("Pembaruan")
    CANCEL = "Cancel", _("Pembatalan")


class CancelReason(models.TextChoices):
    """Reasons a published warning is cancelled at once, without a second
    person: fixed words (CANCEL_TEXT), never the author's own."""

    THREAT_PASSED = "ancaman-berlalu", _("Ancaman telah berlalu")
    ISSUED_IN_ERROR = "salah-terbit", _("Diterbitkan karena kesalahan")
    REPLACED = "diganti", _("Diganti peringatan baru")
    BAD_SOURCE = "data-keliru", _("Data sumber keliru")


# What residents read (and the CAP <note> of the msgType=Cancel message says)
# for each fixed reason.
CANCEL_TEXT = {
    CancelReason.THREAT_PASSED: _(
        "Peringatan ini dibatalkan karena ancaman telah berlalu. Tetap ikuti arahan petugas setempat."
    ),
    CancelReason.ISSUED_IN_ERROR: _(
        "Peringatan ini dibatalkan karena diterbitkan akibat kesalahan. Abaikan peringatan tersebut."
    ),
    CancelReason.REPLACED: _(
        "Peringatan ini dibatalkan dan diganti peringatan baru. Ikuti peringatan terbaru BPBD di portal KITA AMAN."
    ),
    CancelReason.BAD_SOURCE: _("Peringatan ini dibatalkan karena data sumbernya keliru. Abaikan peringatan tersebut."),
}


class State(models.TextChoices):
    DRAFT = "draft", _("Draf")
    PUBLISHED = "published", _("Terbit")
    SUPERSEDED = "superseded", _("Diganti pembaruan")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Berakhir")


# Default CAP category per event type (the drafter may change it).
EVENT_CATEGORY = {
    EventType.BANJIR: CapCategory.MET,
    EventType.LONGSOR: CapCategory.GEO,
    EventType.KARHUTLA: CapCategory.FIRE,
    EventType.PUTING_BELIUNG: CapCategory.MET,
    EventType.KEKERINGAN: CapCategory.MET,
    EventType.GEMPA: CapCategory.GEO,
    EventType.KEBAKARAN: CapCategory.FIRE,
    EventType.KONFLIK: CapCategory.SECURITY,
    EventType.LAINNYA: CapCategory.OTHER,
}
# BNPB DIBI type codes (domain reference), carried as a CAP eventCode.
EVENT_DIBI = {
    EventType.BANJIR: "101",
    EventType.LONGSOR: "102",
    EventType.PUTING_BELIUNG: "105",
    EventType.KARHUTLA: "107",
    EventType.GEMPA: "108",
}


def new_identifier() -> str:
    # Unique across database resets (a demo reset must never reuse an identifier
    # that a consumer has already seen); no spaces, commas, < or &.
    return f"{region.cap_identifier_prefix()}-{uuid.uuid4().hex[:16]}"


class Alert(UpdateStamped, NewestFirst):
    identifier = models.CharField(_("identitas CAP"), max_length=80, unique=True, default=new_identifier)
    msg_type = models.CharField(_("jenis pesan"), max_length=8, choices=MsgType.choices, default=MsgType.ALERT)
    references = optional_fk("self", _("merujuk pesan"), on_delete=models.PROTECT, related_name="followups")
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.DRAFT)
    event = models.CharField(_("jenis kejadian"), max_length=20, choices=EventType.choices)
    category = models.CharField(_("kategori CAP"), max_length=10, choices=CapCategory.choices)
    urgency = models.CharField(_("urgensi"), max_length=10, choices=Urgency.choices)
    severity = models.CharField(_("tingkat keparahan"), max_length=10, choices=Severity.choices)
    certainty = models.CharField(_("kepastian"), max_length=10, choices=Certainty.choices)
    headline = models.CharField(_("judul singkat"), max_length=160, validators=[validate_warning_text])
    description = models.TextField(_("uraian"), validators=[validate_warning_text])
    instruction = models.TextField(_("yang harus dilakukan warga"), validators=[validate_warning_text])
    headline_en = models.CharField(
        _("judul singkat (Inggris)"), max_length=160, blank=True, validators=[validate_warning_text]
    )
    description_en = models.TextField(_("uraian (Inggris)"), blank=True, validators=[validate_warning_text])
    instruction_en = models.TextField(
        _("yang harus dilakukan (Inggris)"), blank=True, validators=[validate_warning_text]
    )
    onset = models.DateTimeField(_("mulai berlaku"), null=True, blank=True)
    expires = models.DateTimeField(_("berakhir"))
    sent = models.DateTimeField(_("waktu terbit"), null=True, blank=True)
    created_by = person_field(_("disusun oleh"), related_name="alerts_drafted", blank=False)
    published_by = person_field(_("diterbitkan oleh"), related_name="alerts_published")
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now)
    # Keys every outbound ledger row of this message (kitaaman.OutboundMessage): one per recipient.
    delivery_id = models.UUIDField(_("ID pengiriman"), default=uuid.uuid4, unique=True, editable=False)
    cap_xml = models.TextField(_("dokumen CAP terbit"), blank=True)

    class Meta(NewestFirst.Meta):
        verbose_name = verbose_name_plural = _("peringatan dini")
        indexes = [
            # Banner, /peringatan/, the Atom feed and the expiry sweep: published, by expiry.
            models.Index(fields=["expires"], name="alert_published_expires_idx", condition=Q(state="published")),
            # Staff list and API: newest first, optionally per state.
            models.Index(fields=["state", "-created_at", "-id"], name="alert_state_created_idx"),
            # SPM reach: messages published in a period.
            models.Index(fields=["sent"], name="alert_sent_idx", condition=Q(sent__isnull=False)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(msg_type="Alert", references__isnull=True) | ~Q(msg_type="Alert"),
                name="alert_new_has_no_reference",
            ),
            models.CheckConstraint(
                condition=Q(msg_type="Alert") | Q(references__isnull=False), name="alert_followup_has_reference"
            ),
            models.CheckConstraint(condition=Q(state="draft") | Q(sent__isnull=False), name="alert_published_has_sent"),
            models.CheckConstraint(
                condition=Q(onset__isnull=True) | Q(onset__lt=models.F("expires")), name="alert_onset_before_expires"
            ),
        ]

    def __str__(self):
        return f"{self.headline} ({self.get_state_display()})"

    TEXT_FIELDS = ("headline", "description", "instruction", "headline_en", "description_en", "instruction_en")

    @property
    def is_draft(self):
        return self.state == State.DRAFT

    @property
    def is_active(self):
        return self.state == State.PUBLISHED and self.expires > timezone.now()


class AlertArea(models.Model):
    """One area of a message: a whole kecamatan or one desa (exactly one is set)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="areas", verbose_name=_("peringatan"))
    kecamatan = optional_area_field(Kecamatan, _("kecamatan (seluruhnya)"))
    desa = optional_area_field(Desa)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("wilayah peringatan")
        constraints = [
            models.CheckConstraint(
                condition=Q(kecamatan__isnull=True, desa__isnull=False) | Q(kecamatan__isnull=False, desa__isnull=True),
                name="alert_area_one_level",
            ),
            models.UniqueConstraint(fields=["alert", "kecamatan"], name="alert_area_unique_kecamatan"),
            models.UniqueConstraint(fields=["alert", "desa"], name="alert_area_unique_desa"),
        ]

    def __str__(self):
        return self.name

    @property
    def place(self):
        return self.desa or self.kecamatan

    @property
    def code(self) -> str:
        return self.place.code

    @property
    def name(self) -> str:
        if self.desa_id:
            return f"{self.desa.name}, {_('Kecamatan')} {self.desa.kecamatan.name}"
        return f"{_('Kecamatan')} {self.kecamatan.name}"

    @property
    def kecamatan_code(self) -> str:
        return self.desa.kecamatan_id if self.desa_id else self.kecamatan_id


class EventAction(models.TextChoices):
    CREATED = "created", _("Draf dibuat")
    EDITED = "edited", _("Draf diubah")
    PUBLISHED = "published", _("Diterbitkan")
    SUPERSEDED = "superseded", _("Diganti pembaruan")
    CANCELLED = "cancelled", _("Dibatalkan")
    EXPIRED = "expired", _("Berakhir otomatis")


class AlertEvent(StrFromFields):
    """Append-only history of a warning."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="events", verbose_name=_("peringatan"))
    action = models.CharField(_("tindakan"), max_length=12, choices=EventAction.choices)
    from_state = models.CharField(_("dari status"), max_length=10, choices=State.choices, blank=True)
    to_state = models.CharField(_("ke status"), max_length=10, choices=State.choices, blank=True)
    actor = person_field(_("pelaku"))
    actor_label = models.CharField(_("nama pelaku"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    note = models.TextField(_("alasan/catatan"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("riwayat peringatan")
        indexes = [models.Index(fields=["alert", "created_at"], name="alert_event_alert_idx")]

    str_fields = ("alert_id", "action")


class Subscriber(models.Model):
    """A resident who asked for the warnings of one desa. Only what delivery
    needs is kept: the desa, the channel and the address (no name); an
    unsubscribe deletes the row, and unconfirmed rows are purged after a week."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    desa = models.ForeignKey(Desa, on_delete=models.CASCADE, related_name="+", verbose_name=_("desa/kelurahan"))
    channel = models.CharField(_("saluran"), max_length=8, choices=Channel.choices)
    address = models.CharField(_("nomor/alamat"), max_length=254)
    token = models.CharField(_("token"), max_length=64, unique=True, default=secrets.token_urlsafe, editable=False)
    created_at = models.DateTimeField(_("mendaftar"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("dikonfirmasi"), null=True, blank=True)

    class Meta:
        ordering = ["desa_id", "id"]
        verbose_name = verbose_name_plural = _("pelanggan peringatan")
        constraints = [models.UniqueConstraint(fields=["desa", "address"], name="subscriber_unique_desa_address")]
        # Recipients of a warning: the confirmed subscribers of its desa.
        indexes = [
            models.Index(fields=["desa"], name="subscriber_confirmed_idx", condition=Q(confirmed_at__isnull=False))
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.desa_id}"


class AlertRecipient(models.Model):
    """Who one message went to, and for which desa: the delivery itself is the
    kitaaman.OutboundMessage row keyed (alert.delivery_id, recipient). A person
    subscribed to two desa of the same message is one row (sent once)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("peringatan"))
    recipient = models.CharField(_("penerima"), max_length=254)
    channel = models.CharField(_("saluran"), max_length=8, choices=Subscriber.Channel.choices)
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="+", verbose_name=_("desa/kelurahan"))
    # Copied from the desa: SPM reach is counted per kecamatan.
    kecamatan = models.ForeignKey(Kecamatan, on_delete=models.PROTECT, related_name="+", verbose_name=_("kecamatan"))

    class Meta:
        verbose_name = verbose_name_plural = _("penerima peringatan")
        constraints = [models.UniqueConstraint(fields=["alert", "recipient"], name="alert_recipient_unique")]
        indexes = [models.Index(fields=["kecamatan", "alert"], name="alert_recipient_kec_idx")]


class WarningSettings(Singleton):
    """One row (pk=1): what the domain marks as unconfirmed."""

    class Reach(models.TextChoices):
        DELIVERED = "pengiriman", _("Pesan peringatan yang terkirim")
        POPULATION = "penduduk", _("Penduduk wilayah yang diperingatkan")

    spm_reach = models.CharField(
        _("warga terlayani informasi rawan bencana dihitung dari"),
        max_length=12,
        choices=Reach.choices,
        default=Reach.DELIVERED,
        help_text=_(
            "Pesan terkirim: tiap pesan yang sampai ke pelanggan dihitung satu. Penduduk: jumlah penduduk "
            "desa/kecamatan yang diperingatkan, tiap wilayah sekali setahun."
        ),
    )
    desa_radius_km = models.DecimalField(
        _("radius desa tanpa batas wilayah (km)"),
        max_digits=5,
        decimal_places=1,
        default=3,
        validators=[MinValueValidator(0.1), MaxValueValidator(100)],
    )
    kecamatan_radius_km = models.DecimalField(
        _("radius kecamatan tanpa batas wilayah (km)"),
        max_digits=5,
        decimal_places=1,
        default=15,
        validators=[MinValueValidator(0.1), MaxValueValidator(200)],
    )

    class Meta:
        verbose_name = verbose_name_plural = _("pengaturan peringatan dini")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="warning_settings_singleton")]

    def __str__(self):
        return str(_("Pengaturan peringatan dini"))


class ExternalFeed(StrFromFields):
    """Another authority's CAP feed (for example BMKG's), registered by the admin."""

    name = models.CharField(_("nama sumber"), max_length=100, help_text=_("Tampil di beranda, misalnya BMKG."))
    url = models.URLField(_("alamat umpan"), max_length=500, unique=True)
    active = models.BooleanField(_("aktif"), default=True)
    etag = models.CharField(_("ETag terakhir"), max_length=250, blank=True)
    last_modified = models.CharField(_("Last-Modified terakhir"), max_length=100, blank=True)
    next_fetch_at = models.DateTimeField(_("ambil berikutnya"), default=timezone.now)
    last_checked_at = models.DateTimeField(_("terakhir dicek"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("terakhir berhasil"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("gagal berturut-turut"), default=0)
    last_error = models.TextField(_("galat terakhir"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("umpan CAP luar")

    str_fields = ("name",)


class ExternalAlert(models.Model):
    """A CAP message read from an external feed whose area touches the kabupaten.
    Stored only after the whole message parsed and validated."""

    feed = models.ForeignKey(ExternalFeed, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("sumber"))
    identifier = models.CharField(_("identitas CAP"), max_length=250)
    sender = models.CharField(_("pengirim"), max_length=250)
    sent = models.DateTimeField(_("waktu terbit"))
    msg_type = models.CharField(_("jenis pesan"), max_length=8)
    references = models.TextField(_("merujuk"), blank=True)
    event = models.CharField(_("kejadian"), max_length=250)
    headline = models.CharField(_("judul"), max_length=500, blank=True)
    description = models.TextField(_("uraian"), blank=True)
    instruction = models.TextField(_("yang harus dilakukan"), blank=True)
    urgency = models.CharField(_("urgensi"), max_length=10)
    severity = models.CharField(_("tingkat keparahan"), max_length=10)
    certainty = models.CharField(_("kepastian"), max_length=10)
    onset = models.DateTimeField(_("mulai"), null=True, blank=True)
    expires = models.DateTimeField(_("berakhir"), null=True, blank=True)
    area_desc = models.TextField(_("wilayah"), blank=True)
    # GeoJSON FeatureCollection of the areas, for the map.
    geometry = models.JSONField(_("geometri wilayah"), default=dict, blank=True)
    web = models.URLField(_("tautan"), max_length=500, blank=True)
    withdrawn = models.BooleanField(_("dibatalkan/diganti"), default=False)
    fetched_at = models.DateTimeField(_("diambil"), default=timezone.now)

    class Meta:
        ordering = ["-sent", "-id"]
        verbose_name = verbose_name_plural = _("peringatan dari sumber luar")
        constraints = [models.UniqueConstraint(fields=["sender", "identifier"], name="external_alert_unique")]
        # Home page: current external alerts.
        indexes = [models.Index(fields=["expires"], name="external_alert_live_idx", condition=Q(withdrawn=False))]

    def __str__(self):
        return f"{self.feed}: {self.headline or self.event}"
