"""Who may see which reports: the one visibility rule every page, API, export and count uses."""

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404

from incidents.intake.tracking import normalize_tracking_code
from incidents.models import Assignment, Incident, IncidentEvent, Kecamatan
from incidents.permissions import user_access
from incidents.roles import MITRA, PETUGAS, READ_ALL_ROLES


def incidents_visible_to(user) -> QuerySet[Incident]:
    """Reports the user may see: koordinator, tim_efektif, pimpinan and
    superusers all; petugas those of their kecamatan; mitra those assigned to
    their agency; everybody else none."""
    access = user_access(user)
    roles = access["roles"]
    qs = Incident.objects.all()
    if not roles:
        return qs.none()
    if roles & READ_ALL_ROLES:
        return qs
    condition = Q(pk__in=[])
    if PETUGAS in roles and access["kecamatan"]:
        condition |= Q(kecamatan_id__in=sorted(access["kecamatan"]))
    if MITRA in roles and access["agency_id"] is not None:
        condition |= Q(Exists(Assignment.objects.filter(incident_id=OuterRef("pk"), agency_id=access["agency_id"])))
    return qs.filter(condition)


def visible_kecamatan(user) -> frozenset[str] | None:
    """The rule of incidents_visible_to as the kecamatan whose reports the
    user sees, for counts kept per kecamatan (the desk's status counts read
    the rollups with it); None when the rule is not by kecamatan alone (a
    mitra sees what is assigned to their agency), so rows must be counted."""
    access = user_access(user)
    roles = access["roles"]
    if not roles:
        return frozenset()
    if roles & READ_ALL_ROLES:
        return frozenset(Kecamatan.objects.values_list("code", flat=True))
    if MITRA in roles and access["agency_id"] is not None:
        return None
    return access["kecamatan"] if PETUGAS in roles else frozenset()


def _int_pk(pk):
    try:
        value = int(str(pk))
    except (TypeError, ValueError):
        raise Http404
    if value <= 0 or value > 2**63 - 1:
        raise Http404
    return value


def incident_get_for_user(user, pk, *, for_detail=True) -> Incident:
    """The report with id `pk` if the user may see it, else Http404."""
    qs = incidents_visible_to(user).filter(pk=_int_pk(pk))
    if for_detail:
        qs = (
            qs.select_related("category", "kecamatan", "desa", "duplicate_of", "created_by")
            .defer("kecamatan__boundary", "desa__boundary")
            .prefetch_related(
                Prefetch(
                    "assignments", queryset=Assignment.objects.select_related("agency", "assigned_by", "completed_by")
                ),
                "photos",
            )
        )
    incident = qs.first()
    if incident is None:
        raise Http404
    return incident


def incident_find_for_user(user, ref) -> Incident | None:
    """A report by id or tracking code among those the user may see."""

    qs = incidents_visible_to(user)
    ref = str(ref or "").strip()
    if not ref:
        return None
    if ref.isdecimal():
        found = qs.filter(pk=int(ref)).first() if len(ref) < 19 else None
        if found is not None:
            return found
    try:
        code = normalize_tracking_code(ref)
    except Exception:  # a malformed code simply matches nothing
        return None
    if not code:
        return None
    return qs.filter(tracking_code=code).first()


def events_for_user(user, incident: Incident) -> QuerySet[IncidentEvent]:
    """The history staff see: internal events included (they already passed
    the visibility rule for this report)."""
    if not user_access(user)["roles"]:
        return IncidentEvent.objects.none()
    return incident.events.select_related("actor").order_by("created_at", "id")


__all__ = [
    "events_for_user",
    "incident_find_for_user",
    "incident_get_for_user",
    "incidents_visible_to",
]
