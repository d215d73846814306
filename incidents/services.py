"""Writes on reports. Views, API views, admin actions, commands and tasks all
call these functions; each runs in one transaction and writes its event row."""

import math
import uuid as uuid_lib
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kitaaman.localized import localized

from . import geo, sla
from .models import (
    Category,
    Channel,
    Desa,
    EventKind,
    Incident,
    IncidentEvent,
    IncidentPhoto,
    Kecamatan,
    Priority,
    SlaUnit,
    Status,
)
from .photos import clean_photo
from .selectors import RECEIVED_NOTE
from .tracking import new_tracking_code

# Reports with violence are handled as urgent whatever their category says.
URGENT_VERIFY = (1, SlaUnit.HOURS)
URGENT_FOLLOWUP = (6, SlaUnit.HOURS)
MAX_DESCRIPTION = 5000


def _actor_label(user):
    if user is None or not user.is_authenticated:
        return ""
    return user.get_full_name() or user.get_username()


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


def _due_times(incident: Incident, start: datetime):
    category = incident.category
    violent = bool(incident.details.get("ada_kekerasan"))
    v_amount, v_unit = URGENT_VERIFY if violent else (category.verify_within, category.verify_unit)
    return sla.deadline(start, v_amount, v_unit)


def followup_deadline(incident: Incident, start: datetime) -> datetime:
    violent = bool(incident.details.get("ada_kekerasan"))
    amount, unit = URGENT_FOLLOWUP if violent else (incident.category.followup_within, incident.category.followup_unit)
    return sla.deadline(start, amount, unit)


@transaction.atomic
def incident_create(
    *,
    category: Category,
    description: str,
    desa_code: str | None = None,
    kecamatan_code: str | None = None,
    lat=None,
    lng=None,
    title: str = "",
    occurred_at: datetime | None = None,
    reported_at: datetime | None = None,
    location_detail: str = "",
    details: dict | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_email: str = "",
    anonymous: bool = False,
    confidential: bool = False,
    consent: bool = False,
    photos=(),
    client_uuid=None,
    channel: str = Channel.WEB,
    created_by=None,
) -> tuple[Incident, bool]:
    """Create a report. Returns (incident, created); a repeated client_uuid
    returns the existing report and creates nothing."""
    if client_uuid:
        existing = Incident.objects.filter(client_uuid=client_uuid).first()
        if existing is not None:
            return existing, False

    now = timezone.now()
    errors = {}
    if not consent:
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
        desa, lat, lng = resolve_location(desa_code=desa_code, kecamatan_code=kecamatan_code, lat=lat, lng=lng)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned_details = {}
    if category is not None and category.active:
        try:
            cleaned_details = validate_details(category, details)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    clean_photos = []
    if not errors.get("photos"):
        photo_errors = []
        for upload in photos:
            try:
                clean_photos.append(clean_photo(upload))
            except ValidationError as exc:
                photo_errors.extend(exc.messages)
        if photo_errors:
            errors["photos"] = photo_errors
    if errors:
        raise ValidationError(errors)

    priority = category.default_priority
    if cleaned_details.get("ada_kekerasan") or (cleaned_details.get("meninggal") or 0) > 0:
        priority = max(priority, Priority.DARURAT if cleaned_details.get("ada_kekerasan") else Priority.TINGGI)

    incident = Incident(
        category=category,
        title=(title or "").strip()[:200],
        description=description,
        details=cleaned_details,
        occurred_at=occurred_at,
        reported_at=reported_at or now,
        created_at=now,
        kecamatan_id=desa.kecamatan_id,
        desa=desa,
        lat=lat,
        lng=lng,
        location_detail=(location_detail or "").strip()[:200],
        reporter_name=(reporter_name or "").strip()[:120],
        reporter_phone=(reporter_phone or "").strip()[:30],
        reporter_email=(reporter_email or "").strip(),
        anonymous=bool(anonymous),
        confidential=bool(confidential),
        consent_at=now,
        channel=channel,
        created_by=created_by if created_by is not None and created_by.is_authenticated else None,
        client_uuid=client_uuid,
        priority=priority,
        status=Status.BARU,
    )
    incident.verify_due_at = _due_times(incident, incident.reported_at)
    incident.due_at = incident.verify_due_at
    for attempt in range(5):
        incident.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                incident.save(force_insert=True)
            break
        except IntegrityError:
            if client_uuid and Incident.objects.filter(client_uuid=client_uuid).exists():
                return Incident.objects.get(client_uuid=client_uuid), False
            if attempt == 4:
                raise
            incident.pk = None
    for photo in clean_photos:
        IncidentPhoto.objects.create(
            incident=incident,
            image=photo.image,
            thumbnail=photo.thumbnail,
            content_type=photo.content_type,
            size=photo.size,
        )
    IncidentEvent.objects.create(
        incident=incident,
        kind=EventKind.CREATED,
        actor=incident.created_by,
        actor_label=_actor_label(created_by),
        to_status=Status.BARU,
        note=_(RECEIVED_NOTE) % {"channel": Channel(channel).label},
        public=True,
        created_at=now,
    )
    _after_create(incident)
    return incident, True


def _after_create(incident: Incident) -> None:
    """Aggregates and notifications, inside this same transaction."""
    from .hooks import incident_changed
    from .notifications import notify_incident_created

    incident_changed(incident, None)
    notify_incident_created(incident)


def new_client_uuid() -> uuid_lib.UUID:
    return uuid_lib.uuid4()


@transaction.atomic
def staff_user_create(
    *,
    username: str,
    role: str,
    password: str | None = None,
    kecamatan_codes: list[str] | tuple[str, ...] = (),
    agency_code: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
):
    """Create (or update) a staff account with one role.

    petugas need at least one kecamatan, mitra need an agency."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from .models import Agency, StaffProfile
    from .seed import ROLES

    if role not in ROLES and role != "admin":
        raise ValidationError({"role": [_("Peran tidak dikenal: %(role)s.") % {"role": role}]})
    if role == "petugas" and not kecamatan_codes:
        raise ValidationError({"kecamatan": [_("Petugas harus ditugaskan ke minimal satu kecamatan.")]})
    agency = None
    if agency_code:
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            raise ValidationError({"agency": [_("Instansi tidak dikenal: %(code)s.") % {"code": agency_code}]})
    if role == "mitra" and agency is None:
        raise ValidationError({"agency": [_("Pengguna mitra harus terhubung ke instansi.")]})
    kecamatan = list(Kecamatan.objects.filter(code__in=kecamatan_codes))
    if len(kecamatan) != len(set(kecamatan_codes)):
        raise ValidationError({"kecamatan": [_("Kode kecamatan tidak dikenal.")]})

    User = get_user_model()
    user, _created = User.objects.get_or_create(username=username)
    user.email = email or user.email
    user.first_name = first_name or user.first_name
    user.last_name = last_name or user.last_name
    user.is_staff = role == "admin"
    user.is_superuser = role == "admin"
    if password:
        user.set_password(password)
    elif _created:
        user.set_unusable_password()
    user.save()
    user.groups.set([Group.objects.get(name=role)] if role != "admin" else [])
    profile = StaffProfile.objects.get_or_create(user=user)[0]
    profile.agency = agency
    profile.save()
    profile.kecamatan.set(kecamatan)
    return user


# ---------------------------------------------------------------------------
# Workflow: transitions, assignments, notes, triage edits, identity viewing.
# Each service locks the report row, checks the version the caller read, and
# writes with a conditional UPDATE (pk and version) so two desks editing the
# same report never silently overwrite each other.
# ---------------------------------------------------------------------------


def _lock(incident: Incident, version) -> Incident:
    """Fresh, row-locked copy of the report; VersionConflict when `version`
    (what the caller read) is stale."""
    from .exceptions import VersionConflict

    current = Incident.objects.select_for_update().select_related("category").get(pk=incident.pk)
    if version is not None:
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise ValidationError({"version": [_("Versi harus berupa bilangan bulat.")]})
        if version != current.version:
            raise VersionConflict(current.version)
    return current


def _save_versioned(locked: Incident, fields: dict) -> None:
    """Write `fields` and bump the version, only if nobody did in between."""
    from .exceptions import VersionConflict

    now = timezone.now()
    updated = Incident.objects.filter(pk=locked.pk, version=locked.version).update(
        **fields, version=locked.version + 1, updated_at=now
    )
    if updated != 1:
        raise VersionConflict(Incident.objects.filter(pk=locked.pk).values_list("version", flat=True).first())
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.version += 1
    locked.updated_at = now


def _sync_caller(incident: Incident, locked: Incident) -> None:
    """The caller's instance reflects what was stored."""
    if incident is locked:
        return
    for field in Incident._meta.concrete_fields:
        setattr(incident, field.attname, getattr(locked, field.attname))
    for name in ("category", "desa", "kecamatan", "duplicate_of", "created_by"):
        field = Incident._meta.get_field(name)
        if field.is_cached(incident):
            cached = field.get_cached_value(incident)
            if cached is None or cached.pk != getattr(incident, field.attname):
                field.delete_cached_value(incident)
    incident._prefetched_objects_cache = {}


def _event(incident, *, kind, actor, note="", public=False, from_status="", to_status="", data=None, now=None):
    return IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=_actor_label(actor),
        note=note,
        public=bool(public),
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=now or timezone.now(),
    )


def _changed(locked: Incident, previous: dict) -> None:
    from .hooks import incident_changed

    incident_changed(locked, previous)


def _require_visible(actor, incident: Incident) -> None:
    from django.http import Http404

    from .selectors import incidents_visible_to

    if not incidents_visible_to(actor).filter(pk=incident.pk).exists():
        raise Http404


MAX_NOTE = 5000


def _no_nul(value: str, field: str) -> str:
    if "\x00" in value:
        raise ValidationError({field: [_("Berisi karakter yang tidak diizinkan.")]})
    return value


def _clean_note(note, *, field="note") -> str:
    note = _no_nul((note or "").strip() if isinstance(note, str) else str(note or "").strip(), field)
    if len(note) > MAX_NOTE:
        raise ValidationError({field: [_("Catatan terlalu panjang (maksimal 5.000 karakter).")]})
    return note


@transaction.atomic
def incident_transition(
    *, incident: Incident, actor, to: str, note: str = "", public: bool = False, version=None, duplicate_of=None
) -> Incident:
    """Move the report to status `to`, keeping timestamps and due times in step.

    Raises PermissionDenied (role may not), TransitionNotAllowed (not
    reachable now), ValidationError (reason/original missing or wrong),
    VersionConflict (stale version)."""
    from django.core.exceptions import PermissionDenied

    from . import permissions, workflow
    from .exceptions import TransitionNotAllowed
    from .hooks import snapshot
    from .notifications import notify_status_change

    _require_visible(actor, incident)
    if not permissions.can_write(actor) or not permissions.can_edit(actor, incident):
        raise PermissionDenied(_("Anda tidak berwenang mengubah status laporan ini."))
    locked = _lock(incident, version)
    to = str(to or "")
    rule = workflow.get_transition(locked.status, to)
    allowed = permissions.allowed_transitions(actor, locked)
    if rule is None:
        raise TransitionNotAllowed(allowed, current=locked.status, target=to)
    if not permissions.transition_roles_ok(actor, locked, to):
        raise PermissionDenied(_("Peran Anda tidak berwenang melakukan perubahan status ini."))
    if to not in allowed:
        raise TransitionNotAllowed(allowed, current=locked.status, target=to)
    note = _clean_note(note)
    if rule.note_required and not note:
        raise ValidationError({"note": [str(rule.note_label)]})
    original = None
    if rule.needs_original:
        original = _resolve_original(actor, locked, duplicate_of)

    now = timezone.now()
    previous = snapshot(locked)
    fields = {"status": to}
    if locked.first_response_at is None:
        fields["first_response_at"] = now
    if to == Status.DIVERIFIKASI:
        fields["verified_at"] = now
        fields["followup_due_at"] = followup_deadline(locked, now)
        fields["due_at"] = fields["followup_due_at"]
        fields["escalated_at"] = None
    elif to in (Status.DITOLAK, Status.DUPLIKAT):
        fields["closed_at"] = now
        fields["due_at"] = None
        if original is not None:
            fields["duplicate_of"] = original
    elif to == Status.DITANGANI and locked.status == Status.DIVERIFIKASI:
        fields["handled_at"] = now
    elif to == Status.SELESAI:
        fields["resolved_at"] = now
        fields["closed_at"] = now
        fields["due_at"] = None
    elif to == Status.DITANGANI and locked.status == Status.SELESAI:
        # Reopened: a fresh follow-up window and a fresh chance to escalate.
        fields["resolved_at"] = None
        fields["closed_at"] = None
        fields["followup_due_at"] = followup_deadline(locked, now)
        fields["due_at"] = fields["followup_due_at"]
        fields["escalated_at"] = None
        if locked.handled_at is None:
            fields["handled_at"] = now
    from_status = locked.status
    _save_versioned(locked, fields)
    data = {}
    if original is not None:
        data = {"duplicate_of": original.pk, "duplicate_of_code": original.tracking_code}
    event = _event(
        locked,
        kind=EventKind.TRANSITION,
        actor=actor,
        note=note,
        public=public,
        from_status=from_status,
        to_status=to,
        data=data,
        now=now,
    )
    _changed(locked, previous)
    notify_status_change(locked, event)
    _sync_caller(incident, locked)
    return incident


def _resolve_original(actor, incident: Incident, ref) -> Incident:
    from .selectors import incident_find_for_user

    if ref in (None, ""):
        raise ValidationError({"duplicate_of": [_("Pilih laporan asli untuk laporan duplikat.")]})
    original = ref if isinstance(ref, Incident) else incident_find_for_user(actor, ref)
    if original is None:
        raise ValidationError({"duplicate_of": [_("Laporan asli tidak ditemukan.")]})
    if original.pk == incident.pk:
        raise ValidationError({"duplicate_of": [_("Laporan tidak dapat menjadi duplikat dirinya sendiri.")]})
    if original.status == Status.DUPLIKAT:
        raise ValidationError({"duplicate_of": [_("Laporan asli tidak boleh berupa laporan duplikat.")]})
    return original


@transaction.atomic
def incident_assign(*, incident: Incident, actor, agency, note: str = "", version=None):
    """Route the report to an agency (koordinator). Returns the Assignment."""
    from django.core.exceptions import PermissionDenied

    from . import permissions
    from .hooks import snapshot
    from .models import Agency, Assignment
    from .notifications import notify_assignment

    _require_visible(actor, incident)
    if not permissions.is_koordinator(actor):
        raise PermissionDenied(_("Hanya koordinator yang dapat menugaskan instansi."))
    locked = _lock(incident, version)
    if not permissions.can_assign(actor, locked):
        raise ValidationError({"agency": [_("Laporan yang sudah ditutup tidak dapat ditugaskan.")]})
    if not isinstance(agency, Agency):
        agency = Agency.objects.filter(code=str(agency or ""), active=True).first()
        if agency is None:
            raise ValidationError({"agency": [_("Instansi tidak dikenal.")]})
    if Assignment.objects.filter(incident=locked, agency=agency).exists():
        raise ValidationError({"agency": [_("Laporan ini sudah ditugaskan ke %(agency)s.") % {"agency": agency}]})
    note = _clean_note(note)
    now = timezone.now()
    previous = snapshot(locked)
    fields = {}
    if locked.first_response_at is None:
        fields["first_response_at"] = now
    _save_versioned(locked, fields)
    assignment = Assignment.objects.create(
        incident=locked, agency=agency, assigned_by=actor, assigned_at=now, note=note
    )
    _event(
        locked,
        kind=EventKind.ASSIGNMENT,
        actor=actor,
        note=note,
        public=False,
        now=now,
        data={"agency": agency.code, "agency_name": str(agency)},
    )
    _changed(locked, previous)
    notify_assignment(assignment)
    _sync_caller(incident, locked)
    return assignment


@transaction.atomic
def assignment_complete(*, assignment, actor, note: str = ""):
    """The assigned agency reports its part done."""
    from django.core.exceptions import PermissionDenied

    from . import permissions
    from .hooks import snapshot
    from .models import Assignment

    _require_visible(actor, assignment.incident)
    assignment = Assignment.objects.select_for_update().select_related("agency").get(pk=assignment.pk)
    if assignment.completed_at is not None:
        raise ValidationError({"assignment": [_("Tugas instansi ini sudah dinyatakan selesai.")]})
    if not permissions.can_complete_assignment(actor, assignment):
        raise PermissionDenied(_("Anda tidak berwenang menyelesaikan tugas instansi ini."))
    note = _clean_note(note)
    if not note:
        raise ValidationError({"note": [_("Catatan penyelesaian wajib diisi.")]})
    locked = _lock(assignment.incident, None)
    now = timezone.now()
    previous = snapshot(locked)
    assignment.completed_at = now
    assignment.completed_by = actor
    assignment.completion_note = note
    assignment.save(update_fields=["completed_at", "completed_by", "completion_note"])
    _save_versioned(locked, {})
    _event(
        locked,
        kind=EventKind.ASSIGNMENT_DONE,
        actor=actor,
        note=note,
        public=False,
        now=now,
        data={"agency": assignment.agency.code, "agency_name": str(assignment.agency)},
    )
    _changed(locked, previous)
    return assignment


@transaction.atomic
def incident_note_add(*, incident: Incident, actor, text: str, public: bool = False):
    """A note on the report's history; public ones show on the citizen's page.
    Notes do not bump the version: they never overwrite anything."""
    from django.core.exceptions import PermissionDenied

    from . import permissions

    _require_visible(actor, incident)
    if not permissions.can_add_note(actor, incident):
        raise PermissionDenied(_("Anda tidak berwenang menambah catatan pada laporan ini."))
    text = _clean_note(text, field="text")
    if not text:
        raise ValidationError({"text": [_("Isi catatan wajib diisi.")]})
    now = timezone.now()
    event = _event(incident, kind=EventKind.NOTE, actor=actor, note=text, public=public, now=now)
    if public and incident.first_response_at is None:
        Incident.objects.filter(pk=incident.pk, first_response_at__isnull=True).update(first_response_at=now)
        incident.first_response_at = now
    return event


def _parse_dt(value, field):
    from django.utils.dateparse import parse_datetime

    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = parse_datetime(str(value))
        except ValueError:
            dt = None
        if dt is None:
            raise ValidationError({field: [_("Waktu tidak valid.")]})
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    return dt


def _parse_count(value, field):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError({field: [_("Harus berupa bilangan bulat tidak negatif.")]})
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError({field: [_("Harus berupa bilangan bulat tidak negatif.")]})
    if number < 0 or number > 10**7:
        raise ValidationError({field: [_("Harus berupa bilangan bulat tidak negatif.")]})
    return number


@transaction.atomic
def incident_update(*, incident: Incident, actor, version, **changes) -> Incident:
    """Edit triage fields (see permissions.EDITABLE_FIELDS). `version` is what
    the caller read; a stale one raises VersionConflict."""
    from django.core.exceptions import PermissionDenied

    from . import permissions
    from .hooks import snapshot

    _require_visible(actor, incident)
    allowed = permissions.editable_fields(actor, incident)
    if not allowed:
        raise PermissionDenied(_("Anda tidak berwenang mengubah laporan ini."))
    unknown = [name for name in changes if name not in permissions.EDITABLE_FIELDS]
    if unknown:
        raise ValidationError({name: [_("Kolom ini tidak dapat diubah.")] for name in unknown})
    forbidden = [name for name in changes if name not in allowed]
    if forbidden:
        raise PermissionDenied(_("Anda tidak berwenang mengubah %(fields)s.") % {"fields": ", ".join(forbidden)})
    if version in (None, ""):
        raise ValidationError({"version": [_("Versi laporan wajib dikirim.")]})
    locked = _lock(incident, version)
    now = timezone.now()
    errors, fields = {}, {}

    category = locked.category
    if "category" in changes:
        value = changes["category"]
        new = (
            value
            if isinstance(value, Category)
            else Category.objects.filter(code=str(value or ""), active=True).first()
        )
        if new is None:
            errors["category"] = [_("Kategori tidak dikenal.")]
        elif new.pk != locked.category_id:
            fields["category"] = category = new
    if "priority" in changes:
        try:
            priority = int(changes["priority"])
            if priority not in Priority.values:
                raise ValueError
            fields["priority"] = priority
        except (TypeError, ValueError):
            errors["priority"] = [_("Prioritas tidak dikenal.")]
    if "desa" in changes:
        value = changes["desa"]
        desa = value if isinstance(value, Desa) else Desa.objects.filter(code=str(value or "")).first()
        if desa is None:
            errors["desa"] = [_("Desa/kelurahan tidak dikenal.")]
        elif desa.pk != locked.desa_id:
            if not permissions.is_koordinator(actor) and desa.kecamatan_id not in permissions.user_kecamatan_codes(
                actor
            ):
                # A petugas would lose the report from their own queue mid-edit.
                errors["desa"] = [
                    _("Desa/kelurahan berada di luar kecamatan tugas Anda. Minta koordinator memindahkan laporan ini.")
                ]
            else:
                fields["desa"] = desa
                fields["kecamatan_id"] = desa.kecamatan_id
    if "title" in changes:
        title = _no_nul(str(changes["title"] or "").strip(), "title")
        if len(title) > 200:
            errors["title"] = [_("Judul terlalu panjang (maksimal 200 karakter).")]
        fields["title"] = title[:200]
    if "description" in changes:
        description = _no_nul(str(changes["description"] or "").strip(), "description")
        if not description:
            errors["description"] = [_("Uraian kejadian wajib diisi.")]
        elif len(description) > MAX_DESCRIPTION:
            errors["description"] = [_("Uraian kejadian terlalu panjang (maksimal 5.000 karakter).")]
        fields["description"] = description
    if "location_detail" in changes:
        detail = _no_nul(str(changes["location_detail"] or "").strip(), "location_detail")
        if len(detail) > 200:
            errors["location_detail"] = [_("Patokan terlalu panjang (maksimal 200 karakter).")]
        fields["location_detail"] = detail[:200]
    if "details" in changes or "category" in fields:
        try:
            fields["details"] = validate_details(category, changes.get("details", locked.details))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if "arrived_at" in changes:
        try:
            arrived = _parse_dt(changes["arrived_at"], "arrived_at")
            if arrived is not None and arrived > now + timezone.timedelta(minutes=5):
                errors["arrived_at"] = [_("Waktu tiba tidak boleh di masa depan.")]
            elif arrived is not None and arrived < locked.reported_at:
                errors["arrived_at"] = [_("Waktu tiba tidak boleh sebelum laporan diterima.")]
            fields["arrived_at"] = arrived
        except ValidationError as exc:
            errors.update(exc.message_dict)
    for name in ("spm_must_serve", "spm_served"):
        if name in changes:
            try:
                fields[name] = _parse_count(changes[name], name)
            except ValidationError as exc:
                errors.update(exc.message_dict)
    must = fields.get("spm_must_serve", locked.spm_must_serve)
    served = fields.get("spm_served", locked.spm_served)
    if "spm_served" not in errors and must is not None and served is not None and served > must:
        errors["spm_served"] = [
            _("Jumlah warga yang telah dilayani (%(served)s) tidak boleh melebihi yang harus dilayani (%(must)s).")
            % {"served": served, "must": must}
        ]
    if errors:
        raise ValidationError(errors)

    changed = {}
    for name, value in fields.items():
        attname = Incident._meta.get_field(name).attname
        old = getattr(locked, attname)
        new = value.pk if hasattr(value, "pk") else value
        if old != new:
            changed[name] = (old, new)
    if not changed:
        _sync_caller(incident, locked)
        return incident
    if "category" in changed or "details" in changed:
        # Due times follow the (new) category and the violence flag.
        probe = Incident(category=category, details=fields.get("details", locked.details))
        if locked.status == Status.BARU:
            fields["verify_due_at"] = _due_times(probe, locked.reported_at)
            fields["due_at"] = fields["verify_due_at"]
        elif locked.status in (Status.DIVERIFIKASI, Status.DITANGANI) and locked.verified_at:
            fields["followup_due_at"] = followup_deadline(probe, locked.verified_at)
            fields["due_at"] = fields["followup_due_at"]
    previous = snapshot(locked)
    _save_versioned(
        locked, {k: v for k, v in fields.items() if k in changed or k.endswith("due_at") or k == "kecamatan_id"}
    )
    serializable = {name: [_jsonable(old), _jsonable(new)] for name, (old, new) in changed.items()}
    kind = EventKind.ARRIVED if set(changed) == {"arrived_at"} else EventKind.EDIT
    _event(locked, kind=kind, actor=actor, public=False, now=now, data={"changes": serializable})
    _changed(locked, previous)
    _sync_caller(incident, locked)
    return incident


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)


def identity_view_record(*, user, incident: Incident, ip=None):
    """Record that `user` saw the reporter's identity of an anonymous report.
    Returns the AuditLog row (None when the viewing needs no record)."""
    from . import audit, permissions

    if not permissions.identity_view_is_audited(user, incident):
        return None
    return audit.record(
        audit.IDENTITY_VIEWED, user=user, incident=incident, ip=ip, data={"tracking_code": incident.tracking_code}
    )


# ---------------------------------------------------------------------------
# Service levels: escalation of overdue reports.
# ---------------------------------------------------------------------------

ESCALATION_BATCH = 500


def incidents_escalate_overdue(*, now: datetime | None = None, limit: int = ESCALATION_BATCH) -> int:
    """Escalate each newly overdue open report once; returns how many.

    Safe to run twice or side by side: a report is claimed with a conditional
    UPDATE on `escalated_at IS NULL`, and only the claimer writes the event
    and the outbox row, in the same transaction as the claim."""
    from kitaaman.outbox import outbox_enqueue

    from .hooks import snapshot

    now = now or timezone.now()
    candidates = list(
        Incident.objects.filter(
            due_at__lt=now, escalated_at__isnull=True, status__in=[Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI]
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    escalated = 0
    for pk in candidates:
        with transaction.atomic():
            claimed = Incident.objects.filter(
                pk=pk,
                escalated_at__isnull=True,
                due_at__lt=now,
                status__in=[Status.BARU, Status.DIVERIFIKASI, Status.DITANGANI],
            ).update(escalated_at=now)
            if not claimed:
                continue
            incident = Incident.objects.select_related("category", "kecamatan").get(pk=pk)
            previous = snapshot(incident)
            stage = _("verifikasi") if incident.status == Status.BARU else _("tindak lanjut")
            event = _event(
                incident,
                kind=EventKind.ESCALATION,
                actor=None,
                public=False,
                now=now,
                note=_("Batas waktu %(stage)s terlewati; diteruskan ke koordinator.") % {"stage": stage},
                data={"due_at": incident.due_at.isoformat(), "status": incident.status},
            )
            outbox_enqueue(
                task_name="incidents.tasks.send_escalation_notice",
                kwargs={"incident_id": incident.pk, "event_id": event.pk},
            )
            _changed(incident, previous)
            escalated += 1
    return escalated


def escalation_messages(incident: Incident) -> list:
    """E-mails to the koordinator and the petugas of the kecamatan about an
    overdue report (no reporter identity: the link leads to the desk)."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q
    from django.urls import NoReverseMatch, reverse

    from kitaaman.delivery import Outgoing

    User = get_user_model()
    recipients = sorted(
        set(
            User.objects.filter(is_active=True)
            .filter(
                Q(groups__name="koordinator")
                | Q(groups__name="petugas", staff_profile__kecamatan=incident.kecamatan_id)
            )
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    try:
        path = reverse("desk:detail", args=[incident.pk])
    except NoReverseMatch:
        path = f"/petugas/laporan/{incident.pk}/"
    subject = _("[KITA AMAN] Laporan %(code)s melewati batas waktu") % {"code": incident.tracking_code}
    text = _(
        "Laporan %(code)s (%(category)s, Kec. %(kecamatan)s) berstatus %(status)s dan telah melewati batas "
        "waktunya. Mohon segera ditindaklanjuti: %(url)s"
    ) % {
        "code": incident.tracking_code,
        "category": incident.category,
        "kecamatan": incident.kecamatan,
        "status": incident.get_status_display(),
        "url": f"{getattr(settings, 'SITE_URL', '')}{path}",
    }
    return [Outgoing(channel="email", recipient=address, subject=subject, text=text) for address in recipients]
