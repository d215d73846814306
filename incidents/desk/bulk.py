"""Bulk actions on reports selected in the queue: verify several, or assign
several to one agency.

Each report goes through the same workflow service as a single action, in its
own transaction, so one stale or out-of-area report does not undo the others;
the result says which succeeded and why the rest did not.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from incidents import permissions
from incidents.exceptions import TransitionNotAllowed, VersionConflict
from incidents.models import Status
from incidents.selectors import incidents_visible_to
from incidents.workflow.services import incident_assign, incident_transition


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    # (tracking code or #id, why) per report that was not changed
    failed: list[tuple[str, str]] = field(default_factory=list)


def incidents_bulk_verify(*, actor, items: list[tuple[int, int | None]], note: str = "", public: bool = False):
    """Verify each (pk, version) the actor may see."""
    if not permissions.can_write(actor):
        raise PermissionDenied(_("Peran Anda tidak dapat mengubah laporan."))
    return _each(
        actor,
        items,
        lambda incident, version: incident_transition(
            incident=incident, actor=actor, to=Status.DIVERIFIKASI, note=note, public=public, version=version
        ),
    )


def incidents_bulk_assign(*, actor, items: list[tuple[int, int | None]], agency, note: str = ""):
    """Assign each (pk, version) the actor may see to one agency (koordinator only)."""
    if not (permissions.can_write(actor) and permissions.is_koordinator(actor)):
        raise PermissionDenied(_("Hanya koordinator yang menugaskan instansi."))
    return _each(
        actor,
        items,
        lambda incident, version: incident_assign(
            incident=incident, actor=actor, agency=agency, note=note, version=version
        ),
    )


def _each(actor, items, action) -> BulkResult:
    result = BulkResult()
    found = {i.pk: i for i in incidents_visible_to(actor).filter(pk__in=[pk for pk, _v in items])}
    for pk, version in items:
        incident = found.get(pk)
        if incident is None:
            result.failed.append((f"#{pk}", _("tidak ditemukan di wilayah Anda")))
            continue
        try:
            action(incident, version)
            result.done.append(incident.tracking_code)
        except VersionConflict:
            result.failed.append((incident.tracking_code, _("baru saja diubah petugas lain")))
        except TransitionNotAllowed:
            label = Status(incident.status).label
            result.failed.append((incident.tracking_code, _("status %(s)s tidak dapat diverifikasi") % {"s": label}))
        except PermissionDenied:
            result.failed.append((incident.tracking_code, _("Anda tidak berwenang")))
        except ValidationError as exc:
            result.failed.append((incident.tracking_code, " ".join(exc.messages)))
    return result
