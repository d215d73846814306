"""The intake: one command that every channel calls to turn a submission into a report."""

import math

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from incidents import permissions
from incidents.audit import actor_label
from incidents.hooks import incident_changed
from incidents.intake.photos import clean_photo
from incidents.intake.submission import Submission
from incidents.intake.tracking import new_tracking_code
from incidents.models import (
    Category,
    Channel,
    Desa,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentPhoto,
    Kecamatan,
    Priority,
    Status,
)
from incidents.notify.messages import notify_incident_created
from incidents.reference import geo
from incidents.selectors import incidents_visible_to
from incidents.workflow import sla
from kitaaman.localized import localized

MAX_DESCRIPTION = 5000

# Written in Bahasa Indonesia; the tracking page words it again for its reader (public/selectors.py).
RECEIVED_NOTE = gettext_noop("Laporan diterima melalui %(channel)s.")


def validate_details(category: Category, raw) -> dict:
    """Check the category's extra questions; returns the cleaned answers."""
    if raw in (None, ""):
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError({"details": [_("Keterangan tambahan harus berupa objek.")]})
    cleaned, errors = {}, {}
    for q in category.questions:
        code, qtype = q["code"], q.get("type", "text")
        value = raw.get(code)
        if value in (None, "") or (qtype == "boolean" and value is None):
            if q.get("required") and not (qtype == "boolean" and value is False):
                errors[code] = [_("%(label)s wajib diisi.") % {"label": localized(q, "label")}]
            continue
        if qtype == "integer":
            try:
                if isinstance(value, bool):
                    raise ValueError
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError
                number = int(str(value).strip())
            except (TypeError, ValueError):
                errors[code] = [_("%(label)s harus berupa bilangan bulat.") % {"label": localized(q, "label")}]
                continue
            if number < q.get("min", 0) or number > q.get("max", 10**7):
                errors[code] = [_("%(label)s di luar batas yang wajar.") % {"label": localized(q, "label")}]
                continue
            cleaned[code] = number
        elif qtype == "boolean":
            if isinstance(value, bool):
                cleaned[code] = value
            elif str(value).lower() in ("true", "1", "ya", "on", "yes"):
                cleaned[code] = True
            elif str(value).lower() in ("false", "0", "tidak", "off", "no"):
                cleaned[code] = False
            else:
                errors[code] = [_("%(label)s harus ya atau tidak.") % {"label": localized(q, "label")}]
        elif qtype == "choice":
            allowed = {c[0] for c in q.get("choices", [])}
            if str(value) not in allowed:
                errors[code] = [_("Pilihan untuk %(label)s tidak dikenal.") % {"label": localized(q, "label")}]
                continue
            cleaned[code] = str(value)
        else:
            text = str(value).strip()
            if len(text) > 1000:
                errors[code] = [
                    _("%(label)s terlalu panjang (maksimal 1.000 karakter).") % {"label": localized(q, "label")}
                ]
                continue
            cleaned[code] = text
    if errors:
        raise ValidationError(
            {"details": [_("Periksa kembali keterangan tambahan.")], **{f"details.{k}": v for k, v in errors.items()}}
        )
    return cleaned


def resolve_location(*, desa_code=None, kecamatan_code=None, lat=None, lng=None):
    """Returns (desa, lat, lng). The point wins when given; a desa chosen from
    the list must agree with the chosen kecamatan."""
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
        desa = Desa.objects.select_related("kecamatan").filter(code=str(desa_code)).first()
        if desa is None:
            errors["desa"] = [_("Desa/kelurahan tidak dikenal.")]
        elif kecamatan_code and desa.kecamatan_id != str(kecamatan_code):
            errors["desa"] = [_("Desa/kelurahan yang dipilih tidak berada di kecamatan tersebut.")]
    if kecamatan_code and not Kecamatan.objects.filter(code=str(kecamatan_code)).exists():
        errors["kecamatan"] = [_("Kecamatan tidak dikenal.")]
    if errors:
        raise ValidationError(errors)
    if lat is not None:
        try:
            point_code = geo.desa_code_for_point(lat, lng)
        except geo.OutsideKabupaten:
            raise ValidationError({"lat": [_("Titik lokasi berada di luar Kabupaten Musi Rawas Utara.")]})
        if desa is None:
            desa = Desa.objects.select_related("kecamatan").get(code=point_code)
    if desa is None:
        raise ValidationError({"desa": [_("Pilih desa/kelurahan atau tandai lokasi di peta.")]})
    return desa, lat, lng


def staff_entry_check(user) -> None:
    """Who may record a report on a citizen's behalf (PermissionDenied otherwise)."""
    if not permissions.can_create(user):
        raise PermissionDenied(_("Peran Anda tidak dapat mencatat laporan."))


@transaction.atomic
def report_submit(submission: Submission) -> tuple[Incident, bool]:
    """The intake command. Returns (incident, created); a repeated client_uuid
    returns the existing report and creates nothing. Raises ValidationError
    with messages per field, or PermissionDenied for a staff entry the
    entrant's role may not make."""
    if submission.staff_entry:
        staff_entry_check(submission.entered_by)
    client_uuid = submission.client_uuid
    existing = Incident.objects.filter(client_uuid=client_uuid).first() if client_uuid else None
    if existing is None:
        incident, clean_photos = _validated_incident(submission)
        if not _insert(incident):
            existing = Incident.objects.get(client_uuid=client_uuid)
    if submission.entrant_area_only:
        _entrant_area_check(submission.entered_by, existing or incident)
    if existing is not None:
        return existing, False
    _store_photos(incident, clean_photos)
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
    if not submission.consent:
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
    if reported_at and reported_at > now + timezone.timedelta(minutes=5):
        errors["reported_at"] = [_("Waktu laporan tidak boleh di masa depan.")]
    if len(photos) > settings.MAX_PHOTOS:
        errors["photos"] = [_("Paling banyak %(n)s foto.") % {"n": settings.MAX_PHOTOS}]
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


def _insert(incident: Incident) -> bool:
    """Save with a fresh tracking code; False when a concurrent request with
    the same client_uuid won the race (its report is the answer)."""
    for attempt in range(5):
        incident.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                incident.save(force_insert=True)
            return True
        except IntegrityError:
            if incident.client_uuid and Incident.objects.filter(client_uuid=incident.client_uuid).exists():
                return False
            if attempt == 4:
                raise
            incident.pk = None
    return False


def _store_photos(incident: Incident, clean_photos) -> None:
    for photo in clean_photos:
        IncidentPhoto.objects.create(
            incident=incident,
            image=photo.image,
            thumbnail=photo.thumbnail,
            content_type=photo.content_type,
            size=photo.size,
        )


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
    incident_changed(incident, None)
    notify_incident_created(incident)
