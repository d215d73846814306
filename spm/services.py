"""Writes of SPM data (targets, budgets, activities, quality assessments,
action plan, settings). Pages, the API and the admin call these; each runs in one
transaction and appends an audit row (spm.*)."""

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.audit import record
from incidents.models import Desa, Kecamatan
from kitaaman.outbox import outbox_enqueue

from .evidence import clean_evidence
from .models import (
    SOURCE_NOTE_MAX,
    Activity,
    Budget,
    Hazard,
    Milestone,
    PeriodAssessment,
    QualityCheck,
    Service,
    SpmSettings,
    Target,
)
from .permissions import can_enter_data

MAX_PEOPLE = 10_000_000


def _require_writer(actor):
    if not can_enter_data(actor):
        raise PermissionDenied(_("Hanya Tim Efektif yang dapat mengisi data SPM."))


def _activity_service(code, errors):
    service = Service.objects.filter(code=str(code or "")).first()
    if service is None:
        errors["service"] = [_("Layanan SPM tidak dikenal.")]
    elif service.from_reports:
        errors["service"] = [
            _(
                "Layanan %(name)s dihitung dari laporan; sasaran dan kegiatan hanya untuk layanan informasi dan kesiapsiagaan bencana."
            )
            % {"name": service.short_name}
        ]
    return service


def _hazard(value, errors):
    value = (value or "").strip()
    if value and value not in Hazard.values:
        errors["hazard"] = [_("Jenis bahaya tidak dikenal.")]
    return value


def _count(value, field, errors, label):
    try:
        if isinstance(value, bool):
            raise ValueError
        number = int(value)
    except (TypeError, ValueError):
        errors[field] = [_("%(label)s harus berupa bilangan bulat.") % {"label": label}]
        return None
    if number < 0 or number > MAX_PEOPLE:
        errors[field] = [_("%(label)s harus antara 0 dan 10.000.000.") % {"label": label}]
        return None
    return number


def _year(value, errors):
    try:
        year = int(value)
    except (TypeError, ValueError):
        errors["year"] = [_("Tahun harus berupa angka.")]
        return None
    if not 2015 <= year <= timezone.localdate().year + 1:
        errors["year"] = [_("Tahun harus antara 2015 dan tahun depan.")]
        return None
    return year


def _note(value, errors):
    """The free-text source note of a target or budget: trimmed, at most SOURCE_NOTE_MAX characters."""
    note = (value or "").strip()
    if len(note) > SOURCE_NOTE_MAX:
        errors["note"] = [_("Catatan terlalu panjang (maksimal 500 karakter).")]
    return note


def _evidence(upload, field, errors):
    """A checked evidence upload, or None (no upload, or its error put under `field`)."""
    if not upload:
        return None
    try:
        return clean_evidence(upload)
    except ValidationError as exc:
        errors[field] = exc.messages
        return None


def _attach_evidence(row, clean) -> None:
    """Put a checked upload on an Activity, QualityCheck or Milestone, replacing the file it had."""
    if not clean:
        return
    if row.evidence:
        row.evidence.delete(save=False)
    row.evidence = clean.file
    row.evidence_content_type = clean.content_type


def _save_keyed(model, key: dict, values: dict, actor):
    """Create or replace the one row of `model` at `key` (locked for the
    transaction). Returns (row, created, the replaced values or None)."""
    row = model.objects.select_for_update().filter(**key).first()
    if row is None:
        try:
            with transaction.atomic():
                return model.objects.create(**key, **values, updated_by=actor), True, None
        except IntegrityError:
            # Someone saved the same key a moment ago: replace their values.
            row = model.objects.select_for_update().get(**key)
    previous = {name: getattr(row, name) for name in values}
    for name, value in {**key, **values}.items():  # the key's objects too, so the caller reads them without a query
        setattr(row, name, value)
    row.updated_by = actor
    row.save(update_fields=[*values, "updated_by", "updated_at"])
    return row, False, previous


@transaction.atomic
def target_save(
    *, actor, service: str, year, kecamatan: str | None, value, hazard: str = "", note: str = ""
) -> tuple[Target, bool]:
    """Create or replace the target of (service, year, kecamatan or whole kabupaten, hazard)."""
    _require_writer(actor)
    errors = {}
    service_obj = _activity_service(service, errors)
    year = _year(year, errors)
    hazard = _hazard(hazard, errors)
    value = _count(value, "value", errors, _("Jumlah sasaran"))
    kec = None
    if kecamatan:
        kec = Kecamatan.objects.filter(code=str(kecamatan)).first()
        if kec is None:
            errors["kecamatan"] = [_("Kecamatan tidak dikenal.")]
    note = _note(note, errors)
    if errors:
        raise ValidationError(errors)
    key = {"service": service_obj, "year": year, "kecamatan": kec, "hazard": hazard}
    target, created, previous = _save_keyed(Target, key, {"value": value, "note": note}, actor)
    record(
        "spm.target.saved",
        user=actor,
        data={**_target_audit(target), "previous_value": previous["value"] if previous else None},
    )
    return target, created


def _target_audit(target: Target) -> dict:
    """What the audit trail says about a target (saved or deleted)."""
    return {
        "target": target.pk,
        "service": target.service.code,
        "year": target.year,
        "kecamatan": target.kecamatan_id,
        "hazard": target.hazard,
        "value": target.value,
    }


@transaction.atomic
def target_delete(*, actor, target: Target) -> None:
    _require_writer(actor)
    record("spm.target.deleted", user=actor, data=_target_audit(target))
    target.delete()


# DecimalField(max_digits=15, decimal_places=0): up to 999 trillion rupiah.
MAX_RUPIAH = Decimal(10**15 - 1)


def _rupiah(value, field, errors, label):
    """Whole rupiah, never negative (realisasi above pagu is allowed: budgets change mid-year)."""
    try:
        if isinstance(value, bool) or value is None or value == "":
            raise InvalidOperation
        amount = Decimal(str(value).strip())
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors[field] = [_("%(label)s harus berupa angka rupiah.") % {"label": label}]
        return None
    if amount < 0:
        errors[field] = [_("%(label)s tidak boleh negatif.") % {"label": label}]
        return None
    if amount != amount.to_integral_value():
        errors[field] = [_("%(label)s ditulis dalam rupiah utuh, tanpa sen.") % {"label": label}]
        return None
    if amount > MAX_RUPIAH:
        errors[field] = [_("%(label)s terlalu besar.") % {"label": label}]
        return None
    return amount.quantize(Decimal(1))


@transaction.atomic
def budget_save(*, actor, service, year, pagu, realisasi, note: str = "") -> tuple[Budget, bool]:
    """Create or replace the pagu and realisasi of a service for a year (any of the five services)."""
    _require_writer(actor)
    errors = {}
    code = service.code if isinstance(service, Service) else str(service or "")
    service_obj = Service.objects.filter(code=code).first()
    if service_obj is None:
        errors["service"] = [_("Layanan SPM tidak dikenal.")]
    year = _year(year, errors)
    pagu = _rupiah(pagu, "pagu", errors, _("Pagu anggaran"))
    realisasi = _rupiah(realisasi, "realisasi", errors, _("Realisasi anggaran"))
    note = _note(note, errors)
    if errors:
        raise ValidationError(errors)
    key = {"service": service_obj, "year": year}
    values = {"pagu": pagu, "realisasi": realisasi, "note": note}
    budget, created, replaced = _save_keyed(Budget, key, values, actor)
    previous = {"pagu": str(replaced["pagu"]), "realisasi": str(replaced["realisasi"])} if replaced else None
    record(
        "spm.budget.saved",
        user=actor,
        data={
            "budget": budget.pk,
            "service": service_obj.code,
            "year": year,
            "pagu": str(pagu),
            "realisasi": str(realisasi),
            "previous": previous,
        },
    )
    return budget, created


@transaction.atomic
def activity_create(
    *,
    actor,
    service: str,
    date_value,
    desa: str,
    people_reached,
    description: str,
    hazard: str = "",
    kind: str = Activity.Kind.KIE,
    evidence=None,
) -> Activity:
    _require_writer(actor)
    errors = {}
    service_obj = _activity_service(service, errors)
    hazard = _hazard(hazard, errors)
    if isinstance(date_value, str):
        try:
            date_value = date.fromisoformat(date_value)
        except ValueError:
            errors["date"] = [_("Tanggal tidak valid (format TTTT-BB-HH).")]
            date_value = None
    if date_value is None and "date" not in errors:
        errors["date"] = [_("Tanggal wajib diisi.")]
    elif date_value is not None:
        if date_value > timezone.localdate():
            errors["date"] = [_("Tanggal kegiatan tidak boleh di masa depan.")]
        elif date_value.year < 2015:
            errors["date"] = [_("Tanggal kegiatan terlalu lama (sebelum 2015).")]
    desa_obj = Desa.objects.filter(code=str(desa or "")).first()
    if desa_obj is None:
        errors["desa"] = [_("Desa/kelurahan tidak dikenal.")]
    if kind not in Activity.Kind.values:
        errors["kind"] = [_("Jenis kegiatan tidak dikenal.")]
    people = _count(people_reached, "people_reached", errors, _("Jumlah warga terlayani"))
    description = (description or "").strip()
    if not description:
        errors["description"] = [_("Uraian kegiatan wajib diisi.")]
    elif len(description) > 2000:
        errors["description"] = [_("Uraian kegiatan terlalu panjang (maksimal 2.000 karakter).")]
    clean = _evidence(evidence, "evidence", errors)
    if errors:
        raise ValidationError(errors)
    activity = Activity(
        service=service_obj,
        date=date_value,
        desa=desa_obj,
        kecamatan_id=desa_obj.kecamatan_id,
        hazard=hazard,
        kind=kind,
        people_reached=people,
        description=description,
        created_by=actor,
    )
    _attach_evidence(activity, clean)
    activity.save()
    record("spm.activity.created", user=actor, data=_activity_audit(activity))
    return activity


def _activity_audit(activity: Activity) -> dict:
    """What the audit trail says about an activity (created or deleted)."""
    return {
        "activity": activity.pk,
        "service": activity.service.code,
        "date": activity.date.isoformat(),
        "desa": activity.desa_id,
        "people_reached": activity.people_reached,
    }


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    _require_writer(actor)
    record("spm.activity.deleted", user=actor, data=_activity_audit(activity))
    if activity.evidence:
        activity.evidence.delete(save=False)
    activity.delete()


@transaction.atomic
def assessment_save(
    *,
    actor,
    service: Service,
    year: int,
    quarter: int,
    checks: dict,
    stage_data: str = "",
    stage_needs: str = "",
    stage_planning: str = "",
    stage_delivery: str = "",
    problems: str = "",
    follow_up: str = "",
    kecamatan: Kecamatan | None = None,
) -> PeriodAssessment:
    """Save the checklist of a service and quarter, for the kabupaten or, with
    `kecamatan`, for that kecamatan alone. `checks` maps a QualityItem pk to
    {"met": bool, "note": str, "evidence": upload or None}."""
    _require_writer(actor)
    errors = {}
    if not 1 <= int(quarter) <= 4:
        errors["quarter"] = [_("Triwulan harus 1 sampai 4.")]
    year = _year(year, errors)
    items = {item.pk: item for item in service.quality_items.filter(active=True)}
    cleaned = {}
    for pk, data in checks.items():
        if int(pk) not in items:
            errors["checks"] = [_("Butir mutu tidak dikenal untuk layanan ini.")]
            continue
        note = (data.get("note") or "").strip()
        if len(note) > 500:
            errors[f"note_{pk}"] = [_("Keterangan terlalu panjang (maksimal 500 karakter).")]
        clean = _evidence(data.get("evidence"), f"evidence_{pk}", errors)
        cleaned[int(pk)] = (bool(data.get("met")), note, clean)
    if errors:
        raise ValidationError(errors)
    assessment, _created = PeriodAssessment.objects.select_for_update().get_or_create(
        service=service, year=year, quarter=int(quarter), kecamatan=kecamatan
    )
    for name, value in (
        ("stage_data", stage_data),
        ("stage_needs", stage_needs),
        ("stage_planning", stage_planning),
        ("stage_delivery", stage_delivery),
        ("problems", problems),
        ("follow_up", follow_up),
    ):
        setattr(assessment, name, (value or "").strip()[:5000])
    assessment.updated_by = actor
    assessment.save()
    for pk, (met, note, clean) in cleaned.items():
        check, _c = QualityCheck.objects.get_or_create(assessment=assessment, item_id=pk)
        check.met, check.note = met, note
        _attach_evidence(check, clean)
        check.save()
    record(
        "spm.assessment.saved",
        user=actor,
        data={
            "assessment": assessment.pk,
            "service": service.code,
            "year": year,
            "quarter": int(quarter),
            "kecamatan": kecamatan.pk if kecamatan else None,
            "met": sorted(pk for pk, (met, _n, _e) in cleaned.items() if met),
        },
    )
    return assessment


@transaction.atomic
def milestone_update(
    *,
    actor,
    milestone: Milestone,
    status: str,
    owner: str,
    due_date=None,
    completed_on=None,
    evidence_note: str = "",
    evidence=None,
) -> Milestone:
    _require_writer(actor)
    errors = {}
    if status not in Milestone.State.values:
        errors["status"] = [_("Status tidak dikenal.")]
    owner = (owner or "").strip()
    if not owner:
        errors["owner"] = [_("Penanggung jawab wajib diisi.")]
    if status == Milestone.State.SELESAI and not completed_on:
        completed_on = timezone.localdate()
    if completed_on and completed_on > timezone.localdate():
        errors["completed_on"] = [_("Tanggal selesai tidak boleh di masa depan.")]
    clean = _evidence(evidence, "evidence", errors)
    if errors:
        raise ValidationError(errors)
    before = {"status": milestone.status, "due_date": str(milestone.due_date or "")}
    if owner[:150] != milestone.owner:
        # The English name was of the previous owner.
        milestone.owner_en = ""
    milestone.status, milestone.owner, milestone.due_date = status, owner[:150], due_date
    milestone.completed_on = completed_on if status == Milestone.State.SELESAI else None
    milestone.evidence_note = (evidence_note or "").strip()[:500]
    milestone.updated_by = actor
    _attach_evidence(milestone, clean)
    milestone.save()
    record(
        "spm.milestone.updated",
        user=actor,
        data={
            "milestone": milestone.code,
            "before": before,
            "status": status,
            "due_date": str(due_date or ""),
        },
    )
    return milestone


@transaction.atomic
def spm_settings_update(*, actor, band_green: int, band_yellow: int) -> SpmSettings:
    """Change the colour policy of the figures (the same on every page and document)."""
    row = SpmSettings.objects.select_for_update().get_or_create(pk=1)[0]
    if band_yellow > band_green:
        raise ValidationError({"band_yellow": [_("Batas kuning tidak boleh di atas batas hijau.")]})
    row.band_green, row.band_yellow = band_green, band_yellow
    row.save()
    record("spm.settings.updated", user=actor, data={"band_green": band_green, "band_yellow": band_yellow})
    return row


def fire_standard_changed(*, category_id: int, **kwargs) -> None:
    """Receiver of incidents.signals.fire_standard_changed: a new fire standard
    changes which served counts are "sesuai standar", so the aggregates are
    rebuilt in the background (through the outbox, after the commit)."""
    outbox_enqueue(task_name="spm.tasks.rebuild_stats", kwargs={})


def export_record(*, actor, kind: str, year: int, quarter: int, request=None) -> None:
    """Exports leave a trace like every other read of bulk data."""
    record("spm.export", user=actor, request=request, data={"format": kind, "year": year, "quarter": quarter})
