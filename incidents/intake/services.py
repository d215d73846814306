"""The intake: one command that every channel calls to turn a submission into a report."""

import math
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, router, transaction
from django.db.models.constants import OnConflict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from incidents import permissions
from incidents.audit import actor_label
from incidents.intake.media import files_remove, photos_store
from incidents.intake.photos import clean_photo
from incidents.intake.submission import Submission
from incidents.intake.tracking import new_tracking_code
from incidents.models import (
    Category,
    Channel,
    ConsentBasis,
    Desa,
    EventKind,
    Incident,
    IncidentEvent,
    Kecamatan,
    Priority,
    Status,
)
from incidents.notify.messages import notify_incident_created
from incidents.reference import geo
from incidents.report_content import MAX_DESCRIPTION, validate_details
from incidents.selectors import incidents_visible_to
from incidents.signals import announce_change
from incidents.workflow import sla
from kitaaman import region

# Nothing in the region's records predates the kabupaten (2013); a year like 0245
# is a typing error, whatever channel it came through.
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
MAX_EMAIL_LENGTH = 254
# 44 random bits per code: a second draw is already rare.
TRACKING_CODE_ATTEMPTS = 5

# Written in Bahasa Indonesia; the tracking page words it again for its reader (public/selectors.py).
RECEIVED_NOTE = gettext_noop("Laporan diterima melalui %(channel)s.")


def resolve_location(*, desa_code=None, kecamatan_code=None, lat=None, lng=None):
    """Returns (desa, lat, lng). A desa chosen from the list must lie in the
    chosen kecamatan, and a point given with either must lie in them."""
    errors = {}
    if (lat is None) != (lng is None):
        raise ValidationError({"lat": [_("Lintang dan bujur harus diisi bersamaan.")]})
    if lat is not None:
        try:
            lat, lng = float(lat), float(lng)
            if math.isnan(lat) or math.isnan(lng) or math.isinf(lat) or math.isinf(lng):
                raise ValueError
        except (TypeError, ValueError):
            raise ValidationError({"lat": [_("Koordinat tidak valid.")]})
    desa = None
    if desa_code:
        desa = _territory().filter(code=str(desa_code)).first()
        if desa is None:
            errors["desa"] = [_("Desa/kelurahan tidak dikenal.")]
        elif kecamatan_code and desa.kecamatan_id != str(kecamatan_code):
            errors["desa"] = [_("Desa/kelurahan yang dipilih tidak berada di kecamatan tersebut.")]
    # A desa found in the chosen kecamatan vouches for the kecamatan.
    vouched = desa is not None and desa.kecamatan_id == str(kecamatan_code)
    if kecamatan_code and not vouched and not Kecamatan.objects.offered().filter(code=str(kecamatan_code)).exists():
        errors["kecamatan"] = [_("Kecamatan tidak dikenal.")]
    if errors:
        raise ValidationError(errors)
    if lat is not None:
        try:
            point_code, exact = geo.locate_point(lat, lng)
        except geo.OutsideKabupaten:
            raise ValidationError(
                {"lat": [_("Titik lokasi berada di luar %(region)s.") % {"region": region.current().official_name}]}
            )
        point_desa = desa if desa is not None and desa.pk == point_code else _territory().get(code=point_code)
        if exact:
            _check_point_agrees(point_desa, desa, kecamatan_code)
        if desa is None:
            desa = point_desa
    if desa is None:
        raise ValidationError({"desa": [_("Pilih desa/kelurahan atau tandai lokasi di peta.")]})
    return desa, lat, lng


def _territory():
    # The boundaries are kilobytes of GeoJSON per row that a report never reads.
    return Desa.objects.offered().select_related("kecamatan").defer("boundary", "kecamatan__boundary")


def _check_point_agrees(point_desa: Desa, desa: Desa | None, kecamatan_code) -> None:
    """A report is routed by its desa and shown at its point, so the two must
    agree. With the polygons loaded a point's desa is certain and a
    disagreement is refused; with centroids only it is a guess, and the public
    side shows such a report at its desa's centre instead (public.selectors)."""
    chosen_kecamatan = desa.kecamatan_id if desa is not None else (str(kecamatan_code) if kecamatan_code else None)
    if (desa is not None and desa.pk != point_desa.pk) or (
        chosen_kecamatan is not None and chosen_kecamatan != point_desa.kecamatan_id
    ):
        raise ValidationError(
            {
                "lat": [
                    _(
                        "Titik di peta berada di %(desa)s, Kecamatan %(kecamatan)s, bukan di desa/kelurahan yang "
                        "dipilih. Geser titiknya atau pilih desa/kelurahan yang sesuai."
                    )
                    % {"desa": point_desa.name, "kecamatan": point_desa.kecamatan.name}
                ]
            }
        )


def staff_entry_check(user) -> None:
    """Who may record a report on a citizen's behalf (PermissionDenied otherwise)."""
    if not permissions.can_create(user):
        raise PermissionDenied(_("Peran Anda tidak dapat mencatat laporan."))


def report_submit(submission: Submission) -> tuple[Incident, bool]:
    """The intake command. Returns (incident, created); a repeated client_uuid
    returns the existing report and creates nothing. Raises ValidationError
    with messages per field, PermissionDenied for a staff entry the entrant's
    role may not make, or StorageUnavailable when the photos cannot be stored.
    Whatever fails, nothing of the report stays behind: not its rows (one
    transaction) and not its photo files (removed again)."""
    written: list[str] = []
    try:
        return _report_submit(submission, written)
    except BaseException:
        files_remove(written)
        raise


def _first_report(submission: Submission) -> Incident | None:
    """The report an earlier submission with the same client_uuid created."""
    if not submission.client_uuid:
        return None
    return Incident.objects.filter(client_uuid=submission.client_uuid).first()


@transaction.atomic
def _report_submit(submission: Submission, written: list[str]) -> tuple[Incident, bool]:
    if submission.staff_entry:
        staff_entry_check(submission.entered_by)
    # A resend is told by the insert's conflict (no statement of its own);
    # one with photos is looked up first, so that they are not decoded again.
    existing = _first_report(submission) if submission.photos else None
    if existing is None:
        try:
            incident, clean_photos = _validated_incident(submission)
        except ValidationError:
            # The first report stays the answer to a resend even when a rule
            # changed since it was accepted (a category closed).
            existing = _first_report(submission)
            if existing is None:
                raise
        else:
            existing = _insert(incident)
    if submission.entrant_area_only:
        _entrant_area_check(submission.entered_by, existing or incident)
    if existing is not None:
        return existing, False
    photos_store(incident, clean_photos, written)
    _created_event(incident, submission)
    _after_create(incident)
    return incident, True


def _entrant_area_check(user, incident: Incident) -> None:
    if not incidents_visible_to(user).filter(pk=incident.pk).exists():
        # A petugas may only enter reports of the kecamatan they work;
        # anything else would vanish from their own queue.
        transaction.set_rollback(True)
        raise ValidationError(
            {"desa": [_("Lokasi berada di luar kecamatan tugas Anda. Minta koordinator mencatat laporan ini.")]}
        )


def _validated_incident(submission: Submission) -> tuple[Incident, list]:
    """Check every rule and build the unsaved report, or raise ValidationError
    with every problem at once (a citizen on a slow line fixes all in one go)."""
    category = submission.category
    place, reporter = submission.place, submission.reporter
    description = submission.description
    occurred_at, reported_at = submission.occurred_at, submission.received_at
    photos = submission.photos or ()
    now = timezone.now()
    errors = {}
    notice = submission.consent_basis == ConsentBasis.NOTICE_IN_REPLY
    if notice and submission.channel not in (Channel.SMS, Channel.WHATSAPP):
        errors["consent"] = [_("Persetujuan pemrosesan data pribadi wajib diberikan.")]
    elif not submission.consent and not notice:
        errors["consent"] = [_("Persetujuan pemrosesan data pribadi wajib diberikan.")]
    if category is None or not category.active:
        errors["category"] = [_("Kategori tidak dikenal.")]
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Uraian kejadian wajib diisi.")]
    elif len(description) > MAX_DESCRIPTION:
        errors["description"] = [_("Uraian kejadian terlalu panjang (maksimal 5.000 karakter).")]
    if occurred_at and occurred_at > now + timezone.timedelta(minutes=5):
        errors["occurred_at"] = [_("Waktu kejadian tidak boleh di masa depan.")]
    elif occurred_at and occurred_at < EARLIEST:
        errors["occurred_at"] = [_("Waktu kejadian terlalu lama.")]
    if reported_at and reported_at > now + timezone.timedelta(minutes=5):
        errors["reported_at"] = [_("Waktu laporan tidak boleh di masa depan.")]
    elif reported_at and reported_at < EARLIEST:
        errors["reported_at"] = [_("Waktu laporan terlalu lama.")]
    if len(photos) > settings.MAX_PHOTOS:
        errors["photos"] = [_("Paling banyak %(n)s foto.") % {"n": settings.MAX_PHOTOS}]
    if len((reporter.email or "").strip()) > MAX_EMAIL_LENGTH:
        errors["reporter_email"] = [_("Alamat e-mail terlalu panjang (maksimal 254 karakter).")]
    try:
        desa, lat, lng = resolve_location(
            desa_code=place.desa_code, kecamatan_code=place.kecamatan_code, lat=place.lat, lng=place.lng
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned_details = {}
    if category is not None and category.active:
        try:
            cleaned_details = validate_details(category, submission.details)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    clean_photos = [] if errors.get("photos") else _clean_photos(photos, errors)
    if errors:
        raise ValidationError(errors)

    entered_by = submission.entered_by
    incident = Incident(
        category=category,
        title=(submission.title or "").strip()[:200],
        description=description,
        details=cleaned_details,
        occurred_at=occurred_at,
        reported_at=reported_at or now,
        created_at=now,
        kecamatan_id=desa.kecamatan_id,
        desa=desa,
        lat=lat,
        lng=lng,
        location_detail=(place.detail or "").strip()[:200],
        reporter_name=(reporter.name or "").strip()[:120],
        reporter_phone=(reporter.phone or "").strip()[:30],
        reporter_email=(reporter.email or "").strip(),
        anonymous=bool(reporter.anonymous),
        confidential=bool(submission.confidential),
        consent_at=now,
        consent_basis=ConsentBasis.NOTICE_IN_REPLY if notice and not submission.consent else ConsentBasis.AGREED,
        channel=submission.channel,
        partner_application=submission.partner_application,
        created_by=entered_by if entered_by is not None and entered_by.is_authenticated else None,
        client_uuid=submission.client_uuid,
        priority=initial_priority(category, cleaned_details),
        status=Status.BARU,
    )
    incident.verify_due_at = sla.verify_deadline(incident, incident.reported_at)
    incident.due_at = incident.verify_due_at
    return incident, clean_photos


def _clean_photos(photos, errors: dict) -> list:
    """Decode and re-encode every photo; problems are added to `errors`."""
    cleaned, problems = [], []
    for upload in photos:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        errors["photos"] = problems
    return cleaned


def initial_priority(category: Category, details: dict) -> int:
    """Violence makes a report an emergency and a death makes it high,
    whatever the category's default says."""
    priority = category.default_priority
    if details.get("ada_kekerasan"):
        return max(priority, Priority.DARURAT)
    if (details.get("meninggal") or 0) > 0:
        return max(priority, Priority.TINGGI)
    return priority


def _insert(incident: Incident) -> Incident | None:
    """Save with a fresh tracking code. Returns None, or the report that an
    earlier or concurrent submission with the same client_uuid created (the
    answer; nothing is saved then). A concurrent insert of the same client_uuid
    waits for the other transaction and then yields to it."""
    for _attempt in range(TRACKING_CODE_ATTEMPTS):
        incident.tracking_code = new_tracking_code()
        if _insert_unless_conflict(incident):
            return None
        first = Incident.objects.filter(client_uuid=incident.client_uuid).first() if incident.client_uuid else None
        if first is not None:
            return first
        # Otherwise the tracking code was taken: draw another.
    # (SQLite skips a row that breaks a NOT NULL or CHECK constraint in the same way.)
    raise IntegrityError(f"report not inserted in {TRACKING_CODE_ATTEMPTS} attempts: tracking codes taken")


def _insert_unless_conflict(incident: Incident) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING, as Model.save() inserts:
    a conflict on a unique column (client_uuid, tracking_code) returns no row
    instead of raising, so the insert needs no savepoint to recover from it."""
    meta = Incident._meta
    fields = [f for f in meta.local_concrete_fields if not f.generated and f is not meta.auto_field]
    returning = meta.db_returning_fields
    using = router.db_for_write(Incident, instance=incident)
    rows = Incident._base_manager._insert(
        [incident], fields=fields, returning_fields=returning, using=using, on_conflict=OnConflict.IGNORE
    )
    # No row back (PostgreSQL: an empty list, SQLite: [None]): nothing was inserted.
    if not rows or rows[0] is None:
        return False
    for value, field in zip(rows[0], returning, strict=True):
        setattr(incident, field.attname, value)
    incident._state.adding, incident._state.db = False, using
    return True


def _created_event(incident: Incident, submission: Submission) -> None:
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.CREATED,
        actor=incident.created_by,
        actor_label=actor_label(submission.entered_by),
        to_status=Status.BARU,
        note=_(RECEIVED_NOTE) % {"channel": Channel(incident.channel).label},
        public=True,
        created_at=incident.created_at,
    )


def _after_create(incident: Incident) -> None:
    """Aggregates and notifications, inside this same transaction."""
    announce_change(incident, None)
    notify_incident_created(incident)
