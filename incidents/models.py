"""Data of the reporting and triage side of KITA AMAN.

Territory (kecamatan, desa) is keyed on the Kemendagri code, never the name:
names change between editions, codes have not changed since 2015.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kitaaman.models import NewestFirst, SeededEntry, StrFromFields, localized_property, optional_fk, person_field

# Open311 partner applications and keys belong to this app (see incidents/open311/).
from .open311.models import PartnerApplication, PartnerKey  # noqa: F401


class TerritoryQuerySet(models.QuerySet):
    def offered(self):
        """What forms, SMS matching, Open311 and the public lists offer: not
        the retired ones (kept so that old reports still name their place)."""
        return self.filter(retired=False)


RETIRED_HELP = _("Tidak ditawarkan lagi di formulir, SMS, Open311, dan API; laporan lama tetap menyebutnya.")


class Territory(StrFromFields):
    """What a kecamatan and a desa both record: a name, a centre, the
    boundary, residents, and whether it is still offered."""

    name = models.CharField(_("nama"), max_length=100)
    lat = models.FloatField(_("lintang pusat"))
    lng = models.FloatField(_("bujur pusat"))
    boundary = models.JSONField(_("batas wilayah (GeoJSON)"), null=True, blank=True)
    population = models.PositiveIntegerField(_("jumlah penduduk"), null=True, blank=True)
    retired = models.BooleanField(_("tidak dipakai lagi"), default=False, help_text=RETIRED_HELP)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        abstract = True

    str_fields = ("name",)


class Kecamatan(Territory):
    code = models.CharField(_("kode Kemendagri"), max_length=8, primary_key=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("kecamatan")


class Desa(Territory):
    class Jenis(models.TextChoices):
        DESA = "desa", _("Desa")
        KELURAHAN = "kelurahan", _("Kelurahan")

    code = models.CharField(_("kode Kemendagri"), max_length=13, primary_key=True)
    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="desa_set", verbose_name=_("kecamatan")
    )
    jenis = models.CharField(_("jenis"), max_length=10, choices=Jenis.choices)

    class Meta:
        ordering = ["kecamatan_id", "name"]
        verbose_name = verbose_name_plural = _("desa/kelurahan")


def optional_area_field(to, verbose_name=None, *, related_name="+", help_text=""):
    """A record narrowed to one area (kecamatan or desa), or left empty for the
    larger area around it; named as the area's model unless told. An area is
    never deleted from under the records and figures that name it (PROTECT)."""
    verbose_name = verbose_name or to._meta.verbose_name
    return optional_fk(to, verbose_name, on_delete=models.PROTECT, related_name=related_name, help_text=help_text)


class Priority(models.IntegerChoices):
    RENDAH = 1, _("Rendah")
    SEDANG = 2, _("Sedang")
    TINGGI = 3, _("Tinggi")
    DARURAT = 4, _("Darurat")


class SlaUnit(models.TextChoices):
    WORKING_DAYS = "hari_kerja", _("hari kerja")
    HOURS = "jam", _("jam")
    MINUTES = "menit", _("menit")


class SpmService(models.TextChoices):
    """Codes of the five SPM Trantibumlinmas services (the spm app holds their data)."""

    TIBUM = "tibum", _("Ketenteraman dan ketertiban umum")
    INFO_BENCANA = "info-bencana", _("Informasi rawan bencana")
    SIAGA_BENCANA = "siaga-bencana", _("Pencegahan dan kesiapsiagaan bencana")
    EVAKUASI_BENCANA = "evakuasi-bencana", _("Penyelamatan dan evakuasi korban bencana")
    KEBAKARAN = "kebakaran", _("Penyelamatan dan evakuasi korban kebakaran")


class Category(SeededEntry, StrFromFields):
    class Group(models.TextChoices):
        KONFLIK = "konflik", _("Konflik sosial")
        BENCANA = "bencana", _("Bencana alam")
        KEBAKARAN = "kebakaran", _("Kebakaran")
        KETERTIBAN = "ketertiban", _("Ketertiban umum")

    name = models.CharField(_("nama"), max_length=120)
    name_en = models.CharField(_("nama (Inggris)"), max_length=120, blank=True)
    group = models.CharField(_("kelompok"), max_length=12, choices=Group.choices)
    description = models.TextField(_("keterangan untuk warga"), blank=True)
    description_en = models.TextField(_("keterangan untuk warga (Inggris)"), blank=True)
    default_priority = models.PositiveSmallIntegerField(
        _("prioritas bawaan"), choices=Priority.choices, default=Priority.SEDANG
    )
    spm_service = models.CharField(_("layanan SPM"), max_length=20, choices=SpmService.choices, blank=True, default="")
    hazard = models.CharField(_("jenis bahaya"), max_length=40, blank=True)
    dibi_code = models.CharField(_("kode DIBI BNPB"), max_length=5, blank=True)
    # Extra questions as data: [{"code", "label", "label_en", "type", "required", "choices", "min", "max", "staff"}]
    # type is one of text, textarea, integer, boolean, choice; a choice is [code, label] or
    # [code, label, label_en]; "staff": true marks a question only officers answer (on the
    # desk), never shown to residents.
    questions = models.JSONField(_("pertanyaan tambahan"), default=list, blank=True)
    # Service levels (defaults follow SP4N-LAPOR!: verify in 3, follow up in 5 working days).
    verify_within = models.PositiveIntegerField(_("batas verifikasi"), default=3)
    verify_unit = models.CharField(
        _("satuan batas verifikasi"), max_length=10, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS
    )
    followup_within = models.PositiveIntegerField(_("batas tindak lanjut"), default=5)
    followup_unit = models.CharField(
        _("satuan batas tindak lanjut"), max_length=10, choices=SlaUnit.choices, default=SlaUnit.WORKING_DAYS
    )
    response_minutes = models.PositiveIntegerField(
        _("standar waktu tanggap (menit)"),
        null=True,
        blank=True,
        help_text=_("Untuk kebakaran: dari laporan diterima sampai tiba di lokasi."),
    )
    active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("kategori")

    str_fields = ("name",)
    display_name = localized_property("name")
    display_description = localized_property("description")

    @property
    def is_conflict(self):
        return self.group == self.Group.KONFLIK

    def clean(self):
        super().clean()
        if self.spm_service == SpmService.KEBAKARAN and not self.response_minutes:
            raise ValidationError(
                {
                    "response_minutes": _(
                        "Kategori layanan kebakaran harus memiliki standar waktu tanggap: "
                        "capaian SPM kebakaran diukur terhadapnya."
                    )
                }
            )

    def citizen_questions(self) -> list[dict]:
        """The questions a resident answers (the citizen form and the public API)."""
        return [q for q in self.questions or [] if not q.get("staff")]


class Agency(models.Model):
    code = models.SlugField(_("kode"), max_length=30, unique=True)
    name = models.CharField(_("nama"), max_length=150)
    short_name = models.CharField(_("singkatan"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telepon"), max_length=30, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("urutan"), default=100)

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = verbose_name_plural = _("instansi")

    def __str__(self):
        return self.short_name or self.name


class Holiday(models.Model):
    """National holidays and cuti bersama, maintained by the admin (none built in)."""

    date = models.DateField(_("tanggal"), unique=True)
    name = models.CharField(_("nama"), max_length=150)

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = _("hari libur")

    def __str__(self):
        return f"{self.date:%d-%m-%Y} {self.name}"


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile", verbose_name=_("pengguna")
    )
    kecamatan = models.ManyToManyField(
        Kecamatan, blank=True, related_name="officers", verbose_name=_("kecamatan tugas")
    )
    agency = optional_fk(Agency, _("instansi"), on_delete=models.PROTECT, related_name="members")
    phone = models.CharField(_("telepon"), max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("profil petugas")

    def __str__(self):
        return str(self.user)


class Status(models.TextChoices):
    BARU = "baru", _("Baru")
    DIVERIFIKASI = "diverifikasi", _("Diverifikasi")
    DITANGANI = "ditangani", _("Ditangani")
    SELESAI = "selesai", _("Selesai")
    DITOLAK = "ditolak", _("Ditolak")
    DUPLIKAT = "duplikat", _("Duplikat")


OPEN_STATUSES = (Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI)


class Channel(models.TextChoices):
    WEB = "web", _("Web")
    TELEPON = "telepon", _("Telepon")
    DATANG = "datang", _("Datang langsung")
    PATROLI = "patroli", _("Patroli")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    OPEN311 = "open311", _("Aplikasi mitra (Open311)")


class ConsentBasis(models.TextChoices):
    """On what the reporter's data is held: what was actually said to them."""

    # Agreed before sending: the ticked box of the form, or YA after the
    # conversation had said who sees the number.
    AGREED = "agreed", _("disetujui sebelum mengirim")
    # The one-message SMS/WhatsApp form: nothing had been said before the
    # report arrived; the sentence on who sees the number, with RAHASIA to
    # hide it, went with the confirmation (queued in the same transaction).
    NOTICE_IN_REPLY = "notice_in_reply", _("pemberitahuan dikirim bersama balasan")


class Incident(models.Model):
    tracking_code = models.CharField(_("kode lacak"), max_length=16, unique=True, editable=False)
    client_uuid = models.UUIDField(_("UUID klien"), unique=True, null=True, blank=True, editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("kategori")
    )
    title = models.CharField(_("judul"), max_length=200, blank=True)
    description = models.TextField(_("uraian kejadian"))
    details = models.JSONField(_("keterangan tambahan"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("waktu kejadian"), null=True, blank=True)
    reported_at = models.DateTimeField(_("waktu laporan diterima"), default=timezone.now)
    created_at = models.DateTimeField(_("dibuat"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    kecamatan = models.ForeignKey(
        Kecamatan, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("kecamatan")
    )
    desa = models.ForeignKey(Desa, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("desa/kelurahan"))
    lat = models.FloatField(_("lintang"), null=True, blank=True)
    lng = models.FloatField(_("bujur"), null=True, blank=True)
    location_detail = models.CharField(_("patokan/dusun"), max_length=200, blank=True)

    reporter_name = models.CharField(_("nama pelapor"), max_length=120, blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=30, blank=True)
    reporter_email = models.EmailField(_("e-mail pelapor"), blank=True)
    anonymous = models.BooleanField(_("rahasiakan identitas"), default=False)
    confidential = models.BooleanField(_("jangan tampilkan di peta publik"), default=False)
    # When the basis below took effect: the agreement, or the notice queued with the confirmation.
    consent_at = models.DateTimeField(_("persetujuan data pribadi"), null=True, blank=True)
    consent_basis = models.CharField(
        _("dasar data pribadi"), max_length=20, choices=ConsentBasis.choices, default=ConsentBasis.AGREED
    )
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices, default=Channel.WEB)
    # Which partner application sent a report of the open311 channel.
    partner_application = optional_fk(
        "incidents.PartnerApplication", _("aplikasi mitra"), on_delete=models.PROTECT, related_name="incidents"
    )
    created_by = person_field(_("dicatat oleh"), related_name="incidents_entered")

    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BARU)
    priority = models.PositiveSmallIntegerField(_("prioritas"), choices=Priority.choices, default=Priority.SEDANG)
    # Optimistic locking: every write bumps it; a stale version is a conflict.
    version = models.PositiveIntegerField(_("versi"), default=1)
    duplicate_of = optional_fk("self", _("duplikat dari"), on_delete=models.SET_NULL, related_name="duplicates")

    verified_at = models.DateTimeField(_("diverifikasi pada"), null=True, blank=True)
    handled_at = models.DateTimeField(_("mulai ditangani"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("tanggapan pertama"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("tiba di lokasi"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)
    verify_due_at = models.DateTimeField(_("batas verifikasi"), null=True, blank=True)
    followup_due_at = models.DateTimeField(_("batas tindak lanjut"), null=True, blank=True)
    # The deadline that applies in the current status (verify while baru,
    # follow-up while diverifikasi/ditangani, none when closed): one indexed
    # column makes "overdue" a range filter.
    due_at = models.DateTimeField(_("batas waktu berjalan"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("dieskalasi pada"), null=True, blank=True)
    # Set when a petugas asks the koordinator to route the report to an agency
    # (an ASSIGNMENT_REQUEST event); cleared by the next assignment or when the
    # report closes. The koordinator's "menunggu penugasan" filter reads it.
    assignment_requested_at = models.DateTimeField(_("penugasan diminta pada"), null=True, blank=True)

    spm_must_serve = models.PositiveIntegerField(_("warga yang harus dilayani"), null=True, blank=True)
    spm_served = models.PositiveIntegerField(_("warga yang telah dilayani"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("laporan")
        indexes = [
            # Desk queue: newest first, keyset on (created_at, id), optionally per kecamatan/status.
            models.Index(fields=["-created_at", "-id"], name="inc_created_idx"),
            # With the deadline last, the overdue filter of one kecamatan and status is checked in
            # the index while it is walked in queue order (no table visit for reports not yet due).
            models.Index(
                fields=["kecamatan", "status", "-created_at", "-id", "due_at"], name="inc_kec_status_queue_idx"
            ),
            # A petugas's queue over all statuses of their kecamatan.
            models.Index(fields=["kecamatan", "-created_at", "-id"], name="inc_kec_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="inc_status_created_idx"),
            # Overdue filter and the service-level sweep.
            models.Index(fields=["kecamatan", "status", "due_at"], name="inc_kec_status_due_idx"),
            models.Index(fields=["due_at"], name="inc_due_idx", condition=Q(due_at__isnull=False)),
            # The queue's overdue filter, newest first, alone or with a kecamatan (a petugas's
            # scope) and a status: open reports only (due_at is set while open), walked in queue
            # order with the deadline, kecamatan and status checked in the index itself, so the
            # reports not yet due (every new one in a surge) cost no visit to the table.
            models.Index(
                fields=["-created_at", "-id", "due_at", "kecamatan", "status"],
                name="inc_open_queue_idx",
                condition=Q(due_at__isnull=False),
            ),
            # The service-level sweep: overdue reports not escalated yet (escalated
            # ones leave this index, so the sweep stays small as history grows).
            models.Index(
                fields=["due_at"],
                name="inc_escalation_due_idx",
                condition=Q(due_at__isnull=False, escalated_at__isnull=True),
            ),
            # The period of a report is the day it was received (SPM figures, rebuilds).
            models.Index(fields=["reported_at"], name="inc_reported_idx"),
            # Exact fire response times of a period, read from the index alone.
            models.Index(
                fields=["reported_at", "arrived_at", "category", "kecamatan", "status"],
                name="inc_arrival_idx",
                condition=Q(arrived_at__isnull=False),
            ),
            # Reports still open at the end of a past period: those closed after it.
            models.Index(fields=["closed_at"], name="inc_closed_idx", condition=Q(closed_at__isnull=False)),
            # /dasbor/: the open reports of a period past a deadline, and those open now
            # (spm/overdue.py), without walking every report of the year.
            models.Index(
                fields=["reported_at"],
                name="inc_open_reported_idx",
                condition=Q(status__in=["baru", "diverifikasi", "ditangani"]),
            ),
            # Queue sorted by priority; category filters; desa filters.
            models.Index(fields=["-priority", "-created_at", "-id"], name="inc_priority_idx"),
            models.Index(fields=["category", "-created_at", "-id"], name="inc_category_idx"),
            models.Index(fields=["desa", "-created_at", "-id"], name="inc_desa_idx"),
            # The koordinator's list of reports waiting for an assignment (few rows).
            models.Index(
                fields=["assignment_requested_at"],
                name="inc_assign_request_idx",
                condition=Q(assignment_requested_at__isnull=False),
            ),
            # The desk's channel filter: SMS and WhatsApp reports are a small share of a
            # large table, so without it a page of them would scan the newest-first index.
            models.Index(fields=["channel", "-created_at", "-id"], name="inc_channel_idx"),
            # Public map and home-page counts.
            models.Index(fields=["confidential", "status", "-created_at"], name="inc_public_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(spm_served__isnull=True)
                | Q(spm_must_serve__isnull=True)
                | Q(spm_served__lte=models.F("spm_must_serve")),
                name="inc_spm_served_lte_must",
            ),
            models.CheckConstraint(
                condition=~Q(status="duplikat") | Q(duplicate_of__isnull=False), name="inc_duplicate_has_original"
            ),
        ]

    def __str__(self):
        return f"{self.tracking_code} {self.category}"

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES


def photo_upload_to(instance, filename):
    # The client's file name never reaches the path.
    return f"laporan/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class IncidentPhoto(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="photos", verbose_name=_("laporan"))
    image = models.ImageField(_("foto"), upload_to=photo_upload_to, width_field="width", height_field="height")
    thumbnail = models.ImageField(_("gambar kecil"), upload_to=photo_upload_to)
    width = models.PositiveIntegerField(_("lebar"), default=0)
    height = models.PositiveIntegerField(_("tinggi"), default=0)
    content_type = models.CharField(_("jenis berkas"), max_length=20)
    size = models.PositiveIntegerField(_("ukuran (bita)"), default=0)
    created_at = models.DateTimeField(_("diunggah"), default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = verbose_name_plural = _("foto laporan")


class EventKind(models.TextChoices):
    CREATED = "created", _("Laporan diterima")
    TRANSITION = "transition", _("Perubahan status")
    ASSIGNMENT = "assignment", _("Penugasan instansi")
    ASSIGNMENT_DONE = "assignment_done", _("Instansi menyelesaikan tugas")
    NOTE = "note", _("Catatan")
    EDIT = "edit", _("Perubahan data")
    ARRIVED = "arrived", _("Tiba di lokasi")
    ESCALATION = "escalation", _("Eskalasi batas waktu")
    ASSIGNMENT_REQUEST = "assignment_request", _("Permintaan penugasan")
    # An officer's message to the reporter of an SMS/WhatsApp report (internal).
    REPORTER_MESSAGE = "reporter_message", _("Pesan ke pelapor")


class IncidentEvent(models.Model):
    """Append-only history of a report: every transition, assignment, edit and note."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="events", verbose_name=_("laporan"))
    kind = models.CharField(_("jenis"), max_length=20, choices=EventKind.choices)
    actor = person_field(_("pelaku"), related_name="incident_events")
    actor_label = models.CharField(_("nama pelaku"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)
    from_status = models.CharField(_("dari status"), max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(_("ke status"), max_length=12, choices=Status.choices, blank=True)
    note = models.TextField(_("catatan"), blank=True)
    public = models.BooleanField(_("tampil untuk publik"), default=False)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = verbose_name_plural = _("riwayat laporan")
        indexes = [models.Index(fields=["incident", "created_at"], name="event_incident_idx")]


class Assignment(models.Model):
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("laporan")
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("instansi"))
    assigned_by = person_field(_("ditugaskan oleh"), blank=False)
    assigned_at = models.DateTimeField(_("ditugaskan pada"), default=timezone.now)
    note = models.TextField(_("catatan"), blank=True)
    completed_at = models.DateTimeField(_("selesai pada"), null=True, blank=True)
    completed_by = person_field(_("diselesaikan oleh"))
    completion_note = models.TextField(_("catatan penyelesaian"), blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = verbose_name_plural = _("penugasan")
        constraints = [models.UniqueConstraint(fields=["incident", "agency"], name="assignment_unique_agency")]
        # Mitra queue: reports assigned to one agency.
        indexes = [models.Index(fields=["agency", "incident"], name="assignment_agency_idx")]


class AuditLog(NewestFirst):
    """Security-relevant actions besides report events: sign-ins, identity viewings, exports."""

    action = models.CharField(_("aksi"), max_length=60, db_index=True)
    actor = person_field(_("pengguna"), related_name="audit_entries")
    actor_label = models.CharField(_("nama pengguna"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    incident = optional_fk(Incident, _("laporan"), on_delete=models.SET_NULL, related_name="audit_entries")
    ip_address = models.GenericIPAddressField(_("alamat IP"), null=True, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta(NewestFirst.Meta):
        verbose_name = verbose_name_plural = _("jejak audit")
