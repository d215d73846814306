"""Writes on a report after intake: transitions, assignments, notes, triage edits.

Each runs in one transaction, checks who may (PermissionDenied otherwise) and writes its event row."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from incidents import audit, permissions
from incidents.audit import actor_label
from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.models import Agency, Assignment, Category, Desa, EventKind, Incident, IncidentEvent, Priority, Status
from incidents.notify.messages import notify_assignment, notify_status_change
from incidents.report_content import MAX_DESCRIPTION, validate_details
from incidents.selectors import incident_find_for_user, incidents_visible_to
from incidents.signals import announce_change, snapshot
from incidents.workflow import machine, sla


def incident_lock(incident: Incident, version) -> Incident:
    """Fresh, row-locked copy of the report; VersionConflict when `version`
    (what the caller read) is stale."""

    current = Incident.objects.select_for_update().select_related("category").get(pk=incident.pk)
    if version is not None:
        try:
            version = int(version)
        except (TypeError, ValueError):
            raise ValidationError({"version": [_("Versi harus berupa bilangan bulat.")]})
        if version != current.version:
            raise VersionConflict(current.version)
    return current


def save_versioned(locked: Incident, fields: dict) -> None:
    """Write `fields` and bump the version, only if nobody did in between."""

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


def sync_caller(incident: Incident, locked: Incident) -> None:
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


def event_record(incident, *, kind, actor, note="", public=False, from_status="", to_status="", data=None, now=None):
    return IncidentEvent.objects.create(
        incident=incident,
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label(actor),
        note=note,
        public=bool(public),
        from_status=from_status,
        to_status=to_status,
        data=data or {},
        created_at=now or timezone.now(),
    )


def report_changed(locked: Incident, previous: dict) -> None:

    announce_change(locked, previous)


# --- who may: each service checks with these, and pages and API views call
# them before parsing a form, so a role without the right gets 403 whatever it sent.


def transition_check(actor, incident: Incident, to: str | None = None) -> None:
    if not permissions.can_write(actor) or not permissions.can_edit(actor, incident):
        raise PermissionDenied(_("Anda tidak berwenang mengubah status laporan ini."))
    if to and machine.get_transition(incident.status, to) and not permissions.transition_roles_ok(actor, incident, to):
        raise PermissionDenied(_("Peran Anda tidak berwenang melakukan perubahan status ini."))


def assign_check(actor) -> None:
    if not (permissions.can_write(actor) and permissions.is_koordinator(actor)):
        raise PermissionDenied(_("Hanya koordinator yang dapat menugaskan instansi."))


def note_check(actor, incident: Incident) -> None:
    if not (permissions.can_write(actor) and permissions.can_add_note(actor, incident)):
        raise PermissionDenied(_("Anda tidak berwenang menambah catatan pada laporan ini."))


def update_check(actor, incident: Incident, fields=()) -> tuple[str, ...]:
    """The fields the actor may edit; PermissionDenied for none, or for any of `fields` outside them."""
    allowed = permissions.editable_fields(actor, incident) if permissions.can_write(actor) else ()
    if not allowed:
        raise PermissionDenied(_("Anda tidak berwenang mengubah laporan ini."))
    forbidden = [name for name in fields if name in permissions.EDITABLE_FIELDS and name not in allowed]
    if forbidden:
        raise PermissionDenied(_("Anda tidak berwenang mengubah %(fields)s.") % {"fields": ", ".join(forbidden)})
    return allowed


def complete_check(actor, assignment) -> None:
    if assignment.completed_at is None and not (
        permissions.can_write(actor) and permissions.can_complete_assignment(actor, assignment)
    ):
        raise PermissionDenied(_("Anda tidak berwenang menyelesaikan tugas instansi ini."))


def identity_check(user, incident: Incident) -> None:
    if not permissions.can_see_identity(user, incident):
        raise PermissionDenied(_("Anda tidak berwenang melihat identitas pelapor."))


def require_visible(actor, incident: Incident) -> None:

    if not incidents_visible_to(actor).filter(pk=incident.pk).exists():
        raise Http404


MAX_NOTE = 5000


def _no_nul(value: str, field: str) -> str:
    if "\x00" in value:
        raise ValidationError({field: [_("Berisi karakter yang tidak diizinkan.")]})
    return value


def note_clean(note, *, field="note") -> str:
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

    require_visible(actor, incident)
    transition_check(actor, incident)
    locked = incident_lock(incident, version)
    to = str(to or "")
    rule = machine.get_transition(locked.status, to)
    allowed = permissions.allowed_transitions(actor, locked)
    if rule is None:
        raise TransitionNotAllowed(allowed, current=locked.status, target=to)
    if not permissions.transition_roles_ok(actor, locked, to):
        raise PermissionDenied(_("Peran Anda tidak berwenang melakukan perubahan status ini."))
    if to not in allowed:
        raise TransitionNotAllowed(allowed, current=locked.status, target=to)
    note = note_clean(note)
    if rule.note_required and not note:
        raise ValidationError({"note": [str(rule.note_label)]})
    original = None
    if rule.needs_original:
        original = _resolve_original(actor, locked, duplicate_of)

    now = timezone.now()
    previous = snapshot(locked)
    fields = rule.fields(locked, now)
    if original is not None:
        fields["duplicate_of"] = original
    save_versioned(locked, fields)
    event = event_record(
        locked,
        kind=EventKind.TRANSITION,
        actor=actor,
        note=note,
        public=public,
        from_status=rule.source,
        to_status=to,
        data={"duplicate_of": original.pk, "duplicate_of_code": original.tracking_code} if original else None,
        now=now,
    )
    report_changed(locked, previous)
    notify_status_change(locked, event)
    sync_caller(incident, locked)
    return incident


def _resolve_original(actor, incident: Incident, ref) -> Incident:

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

    require_visible(actor, incident)
    assign_check(actor)
    locked = incident_lock(incident, version)
    if not permissions.can_assign(actor, locked):
        raise ValidationError({"agency": [_("Laporan yang sudah ditutup tidak dapat ditugaskan.")]})
    if not isinstance(agency, Agency):
        agency = Agency.objects.filter(code=str(agency or ""), active=True).first()
        if agency is None:
            raise ValidationError({"agency": [_("Instansi tidak dikenal.")]})
    if Assignment.objects.filter(incident=locked, agency=agency).exists():
        raise ValidationError({"agency": [_("Laporan ini sudah ditugaskan ke %(agency)s.") % {"agency": agency}]})
    note = note_clean(note)
    now = timezone.now()
    previous = snapshot(locked)
    # An assignment answers any pending request for one (assignment_request.py).
    fields = {"assignment_requested_at": None}
    if locked.first_response_at is None:
        fields["first_response_at"] = now
    save_versioned(locked, fields)
    assignment = Assignment.objects.create(
        incident=locked, agency=agency, assigned_by=actor, assigned_at=now, note=note
    )
    _agency_event_record(locked, EventKind.ASSIGNMENT, actor, note, agency, now)
    report_changed(locked, previous)
    notify_assignment(assignment)
    sync_caller(incident, locked)
    return assignment


@transaction.atomic
def assignment_complete(*, assignment, actor, note: str = ""):
    """The assigned agency reports its part done."""

    require_visible(actor, assignment.incident)
    assignment = Assignment.objects.select_for_update().select_related("agency").get(pk=assignment.pk)
    if assignment.completed_at is not None:
        raise ValidationError({"assignment": [_("Tugas instansi ini sudah dinyatakan selesai.")]})
    complete_check(actor, assignment)
    note = note_clean(note)
    if not note:
        raise ValidationError({"note": [_("Catatan penyelesaian wajib diisi.")]})
    locked = incident_lock(assignment.incident, None)
    now = timezone.now()
    previous = snapshot(locked)
    assignment.completed_at = now
    assignment.completed_by = actor
    assignment.completion_note = note
    assignment.save(update_fields=["completed_at", "completed_by", "completion_note"])
    save_versioned(locked, {})
    _agency_event_record(locked, EventKind.ASSIGNMENT_DONE, actor, note, assignment.agency, now)
    report_changed(locked, previous)
    return assignment


def _agency_event_record(locked: Incident, kind: str, actor, note: str, agency: Agency, now) -> None:
    """An internal event about an agency's part: assigned, or done."""
    event_record(
        locked, kind=kind, actor=actor, note=note, now=now, data={"agency": agency.code, "agency_name": str(agency)}
    )


@transaction.atomic
def incident_note_add(*, incident: Incident, actor, text: str, public: bool = False):
    """A note on the report's history; public ones show on the citizen's page.
    Notes do not bump the version: they never overwrite anything."""

    require_visible(actor, incident)
    note_check(actor, incident)
    text = note_clean(text, field="text")
    if not text:
        raise ValidationError({"text": [_("Isi catatan wajib diisi.")]})
    now = timezone.now()
    event = event_record(incident, kind=EventKind.NOTE, actor=actor, note=text, public=public, now=now)
    if public and incident.first_response_at is None:
        Incident.objects.filter(pk=incident.pk, first_response_at__isnull=True).update(first_response_at=now)
        incident.first_response_at = now
    return event


def _parse_dt(value, field):

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
    require_visible(actor, incident)
    update_check(actor, incident)
    unknown = [name for name in changes if name not in permissions.EDITABLE_FIELDS]
    if unknown:
        raise ValidationError({name: [_("Kolom ini tidak dapat diubah.")] for name in unknown})
    update_check(actor, incident, changes)
    if version in (None, ""):
        raise ValidationError({"version": [_("Versi laporan wajib dikirim.")]})
    locked = incident_lock(incident, version)
    now = timezone.now()
    errors, fields = {}, {}
    category = _clean_placement(locked, actor, changes, fields, errors)
    _clean_texts(changes, fields, errors)
    if "details" in changes or "category" in fields:
        try:
            fields["details"] = validate_details(category, changes.get("details", locked.details))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    _clean_response(locked, changes, fields, errors, now)
    _clean_confidential(locked, changes, fields, errors)
    if errors:
        raise ValidationError(errors)

    changed = _differences(locked, fields)
    if not changed:
        sync_caller(incident, locked)
        return incident
    if "category" in changed or "details" in changed:
        _follow_due_times(locked, category, fields)
    previous = snapshot(locked)
    save_versioned(
        locked, {k: v for k, v in fields.items() if k in changed or k.endswith("due_at") or k == "kecamatan_id"}
    )
    serializable = {name: [jsonable(old), jsonable(new)] for name, (old, new) in changed.items()}
    kind = EventKind.ARRIVED if set(changed) == {"arrived_at"} else EventKind.EDIT
    event_record(locked, kind=kind, actor=actor, public=False, now=now, data={"changes": serializable})
    report_changed(locked, previous)
    sync_caller(incident, locked)
    return incident


def _clean_placement(locked: Incident, actor, changes: dict, fields: dict, errors: dict) -> Category:
    """Category, priority and desa; returns the category that applies after the edit."""
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
    return category


def _clean_texts(changes: dict, fields: dict, errors: dict) -> None:
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


def _clean_response(locked: Incident, changes: dict, fields: dict, errors: dict, now) -> None:
    """Arrival on scene and the SPM counts of people to serve and served."""
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


def _clean_confidential(locked: Incident, changes: dict, fields: dict, errors: dict) -> None:
    """One way: an officer may take a report off the public map (a risk the reporter
    did not see), never show one that the reporter or an officer kept off it."""
    if "confidential" not in changes:
        return
    value = changes["confidential"]
    if not isinstance(value, bool):
        errors["confidential"] = [_("Harus benar atau salah.")]
    elif locked.confidential and not value:
        errors["confidential"] = [_("Laporan yang sudah dirahasiakan tidak dapat ditampilkan lagi di peta publik.")]
    else:
        fields["confidential"] = value


def _differences(locked: Incident, fields: dict) -> dict:
    changed = {}
    for name, value in fields.items():
        attname = Incident._meta.get_field(name).attname
        old = getattr(locked, attname)
        new = value.pk if hasattr(value, "pk") else value
        if old != new:
            changed[name] = (old, new)
    return changed


def _follow_due_times(locked: Incident, category: Category, fields: dict) -> None:
    """Due times follow the (new) category and the violence flag."""
    probe = Incident(category=category, details=fields.get("details", locked.details))
    if locked.status == Status.BARU:
        fields["verify_due_at"] = sla.verify_deadline(probe, locked.reported_at)
        fields["due_at"] = fields["verify_due_at"]
    elif locked.status in (Status.DIVERIFIKASI, Status.DITANGANI) and locked.verified_at:
        fields["followup_due_at"] = sla.followup_deadline(probe, locked.verified_at)
        fields["due_at"] = fields["followup_due_at"]


def jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (dict, list, str, int, float, bool)) or value is None:
        return value
    return str(value)


def identity_view_record(*, user, incident: Incident, ip=None):
    """Record that `user` saw the reporter's identity of an anonymous report.
    Returns the AuditLog row (None when the viewing needs no record)."""
    if not permissions.identity_view_is_audited(user, incident):
        return None
    return audit.record(
        audit.IDENTITY_VIEWED, user=user, incident=incident, ip=ip, data={"tracking_code": incident.tracking_code}
    )
