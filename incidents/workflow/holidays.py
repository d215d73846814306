"""Holidays entered, corrected or removed after reports arrived move the
deadlines of the open ones.

"Within N working days" is counted on the calendar as it is known now: a
report received on 30 December before the admin entered 1 January still gets
that day off. Closed reports (selesai, ditolak, duplikat) keep the deadlines
they were measured against. Deadlines are recomputed with the functions of
incidents/workflow/sla.py and the category's rule, as a triage edit does
(workflow.services._follow_due_times).

Every write of a holiday goes through holiday_save / holiday_delete (the admin
calls them). Each report whose deadline moves gets an EDIT event naming the
holiday, a new version, and is announced with the change signal, so the open-due
aggregate (StatOpenDue, keyed on the due day) follows it.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import OPEN_STATUSES, EventKind, Holiday, Incident, Status
from incidents.signals import snapshot
from incidents.workflow import sla
from incidents.workflow.services import event_record, incident_lock, jsonable, report_changed, save_versioned

ADDED_NOTE = gettext_lazy("Batas waktu dihitung ulang: %(date)s (%(name)s) dicatat sebagai hari libur.")
REMOVED_NOTE = gettext_lazy("Batas waktu dihitung ulang: %(date)s (%(name)s) tidak lagi tercatat sebagai hari libur.")


@transaction.atomic
def holiday_save(*, actor, day: date, name: str, holiday: Holiday | None = None) -> tuple[Holiday, int]:
    """Record a holiday (new when `holiday` is None or unsaved, otherwise a
    correction of that row). Returns the row and how many open reports had
    their deadlines moved. ValidationError when the date is taken."""

    old = None
    if holiday is not None and holiday.pk is not None:
        old = Holiday.objects.select_for_update().filter(pk=holiday.pk).values_list("date", "name").first()
    if holiday is None:
        holiday = Holiday()
    holiday.date, holiday.name = day, (name or "").strip()
    holiday.full_clean()
    holiday.save()
    if old is None:
        note = _note(ADDED_NOTE, day, holiday.name)
        change = {"date": day.isoformat(), "name": holiday.name, "action": "added"}
        return holiday, deadlines_follow_holidays(days={day}, actor=actor, note=note, data=change)
    old_day, _old_name = old
    if old_day == day:
        return holiday, 0  # a new name moves nothing
    with translation.override(settings.LANGUAGE_CODE):
        note = _("Batas waktu dihitung ulang: hari libur %(name)s dipindah dari %(old)s ke %(new)s.") % {
            "name": holiday.name,
            "old": _day(old_day),
            "new": _day(day),
        }
    change = {"date": day.isoformat(), "previous_date": old_day.isoformat(), "name": holiday.name, "action": "moved"}
    return holiday, deadlines_follow_holidays(days={old_day, day}, actor=actor, note=note, data=change)


@transaction.atomic
def holiday_delete(*, actor, holiday: Holiday) -> int:
    """Remove a holiday; returns how many open reports had their deadlines moved."""
    row = Holiday.objects.select_for_update().filter(pk=holiday.pk).values_list("date", "name").first()
    if row is None:
        return 0
    day, name = row
    Holiday.objects.filter(pk=holiday.pk).delete()
    note = _note(REMOVED_NOTE, day, name)
    change = {"date": day.isoformat(), "name": name, "action": "removed"}
    return deadlines_follow_holidays(days={day}, actor=actor, note=note, data=change)


def deadlines_follow_holidays(*, days: set[date], actor, note: str, data: dict) -> int:
    """Recompute the deadlines of the open reports whose window may cover one
    of `days`; returns how many changed. Runs inside the caller's transaction."""

    first, last = min(days), max(days)
    day_start = datetime.combine(first, time.min, tzinfo=sla.WIB)
    day_end = datetime.combine(last, sla.END_OF_DAY, tzinfo=sla.WIB)
    # A superset is harmless (a report whose deadline comes out the same is
    # left alone): received by the last day, with a deadline on or after the first.
    candidates = list(
        Incident.objects.filter(status__in=OPEN_STATUSES, reported_at__lte=day_end)
        .filter(Q(verify_due_at__gte=day_start) | Q(followup_due_at__gte=day_start))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    moved = 0
    for pk in candidates:
        moved += _recompute(pk, actor=actor, note=note, data=data)
    return moved


def _recompute(pk: int, *, actor, note: str, data: dict) -> int:
    locked = incident_lock(Incident(pk=pk), None)
    if locked.status not in OPEN_STATUSES:
        return 0
    fields = {}
    verify = sla.verify_deadline(locked, locked.reported_at)
    if verify != locked.verify_due_at:
        fields["verify_due_at"] = verify
    if locked.status == Status.BARU:
        fields["due_at"] = verify
    elif locked.followup_due_at is not None:
        start = _follow_up_start(locked)
        if start is not None:
            follow = sla.followup_deadline(locked, start)
            if follow != locked.followup_due_at:
                fields["followup_due_at"] = follow
            fields["due_at"] = follow
    if fields.get("due_at", locked.due_at) == locked.due_at:
        fields.pop("due_at", None)
    if not fields:
        return 0
    now = timezone.now()
    if locked.escalated_at is not None and "due_at" in fields and fields["due_at"] > now:
        # Escalated under a calendar that lacked the holiday: no longer overdue,
        # so the sweep may escalate it again when the real deadline passes.
        fields["escalated_at"] = None
    changes = {name: [jsonable(getattr(locked, name)), jsonable(value)] for name, value in fields.items()}
    previous = snapshot(locked)
    save_versioned(locked, fields)
    event_record(
        locked, kind=EventKind.EDIT, actor=actor, note=note, now=now, data={"changes": changes, "holiday": data}
    )
    report_changed(locked, previous)
    return 1


def _follow_up_start(incident: Incident) -> datetime | None:
    """When the running follow-up window began: the verification, or the last
    reopening (selesai -> ditangani), which starts a fresh window."""
    reopened = (
        incident.events.filter(kind=EventKind.TRANSITION, from_status=Status.SELESAI, to_status=Status.DITANGANI)
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    return reopened or incident.verified_at


def _day(value: date) -> str:
    return formats.date_format(value, "j F Y")


def _note(template, day: date, name: str) -> str:
    # Stored in the history, read by everyone: in the portal's language, not the admin's.
    with translation.override(settings.LANGUAGE_CODE):
        return str(template) % {"date": _day(day), "name": name}
