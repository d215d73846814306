"""Who may do what with a report.

Seeing a report is decided by `incidents.selectors.incidents_visible_to`
alone; the functions here decide what a user may *do* with a report they can
already see. Roles are Django groups (see incidents.reference.seed.ROLES); a superuser
acts with the koordinator's powers (but sees no anonymous reporter's identity,
which is the koordinator's alone).

    role         sees                       writes
    petugas      own kecamatan(s)           verify, handle, finish, reopen, notes,
                                            triage edits, enter reports, ask the
                                            koordinator for an assignment
    koordinator  everything                 all of petugas + reject, duplicate,
                                            assign agencies, move between kecamatan
    mitra        reports assigned to its    notes, arrival time, completing its
                 agency                     own assignment; never the reporter
    tim_efektif  everything                 nothing on reports
    pimpinan     everything                 nothing

Django's model permissions are not used for reports: these functions are the
one place the rules live, and the admin shows reports read-only.
"""

from incidents.models import OPEN_STATUSES, Assignment, Incident, StaffProfile
from incidents.workflow import machine as workflow

PETUGAS = "petugas"
KOORDINATOR = "koordinator"
MITRA = "mitra"
TIM_EFEKTIF = "tim_efektif"
PIMPINAN = "pimpinan"
ADMIN = "admin"
STAFF_ROLES = frozenset({PETUGAS, KOORDINATOR, MITRA, TIM_EFEKTIF, PIMPINAN})
WRITER_ROLES = frozenset({PETUGAS, KOORDINATOR, MITRA})
READ_ALL_ROLES = frozenset({KOORDINATOR, TIM_EFEKTIF, PIMPINAN, ADMIN})

# Triage fields a desk user edits (PATCH); mitra only record their arrival.
EDITABLE_FIELDS = (
    "priority",
    "category",
    "desa",
    "title",
    "description",
    "location_detail",
    "details",
    "arrived_at",
    "spm_must_serve",
    "spm_served",
    "confidential",  # one way: off the public map (workflow.services._clean_confidential)
)
MITRA_EDITABLE_FIELDS = ("arrived_at",)

_CACHE_ATTR = "_kitaaman_access"


def _access(user) -> dict:
    """Roles, kecamatan codes and agency of a user, computed once per request
    object (the user instance lives as long as the request)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {"roles": frozenset(), "kecamatan": frozenset(), "agency_id": None, "groups": frozenset()}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    groups = frozenset(user.groups.values_list("name", flat=True))
    roles = set(groups & STAFF_ROLES)
    if user.is_superuser:
        roles.add(ADMIN)
    # The profile's agency and kecamatan in one query (a row per kecamatan; none without a profile).
    profile = list(StaffProfile.objects.filter(user_id=user.pk).values_list("agency_id", "kecamatan__code"))
    kecamatan = frozenset(code for _agency, code in profile if code is not None)
    agency_id = profile[0][0] if profile else None
    data = {"roles": frozenset(roles), "kecamatan": kecamatan, "agency_id": agency_id, "groups": groups}
    try:
        setattr(user, _CACHE_ATTR, data)
    except AttributeError:
        pass
    return data


def forget_access(user) -> None:
    """Drop the cached roles (after changing a user's groups or profile)."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def user_group_names(user) -> frozenset[str]:
    """All the user's Django groups (roles and any other), read with the roles."""
    return _access(user)["groups"]


def user_roles(user) -> set[str]:
    return set(_access(user)["roles"])


def user_kecamatan_codes(user) -> frozenset:
    return _access(user)["kecamatan"]


def is_desk_user(user) -> bool:
    """Signed in with a staff role (or superuser): may open the desk and the staff API."""
    return bool(_access(user)["roles"])


def is_koordinator(user) -> bool:
    roles = _access(user)["roles"]
    return KOORDINATOR in roles or ADMIN in roles


def is_petugas_of(user, incident: Incident) -> bool:
    access = _access(user)
    return PETUGAS in access["roles"] and incident.kecamatan_id in access["kecamatan"]


def is_mitra_of(user, incident: Incident) -> bool:
    access = _access(user)
    if MITRA not in access["roles"] or access["agency_id"] is None:
        return False
    return Assignment.objects.filter(incident_id=incident.pk, agency_id=access["agency_id"]).exists()


def can_write(user) -> bool:
    """May write on reports at all (False for pimpinan and tim_efektif)."""
    return bool(_access(user)["roles"] & (WRITER_ROLES | {ADMIN}))


def can_create(user) -> bool:
    """May enter a report on behalf of a citizen (phone call, walk-in, patrol)."""
    return is_koordinator(user) or PETUGAS in _access(user)["roles"]


def _acting_roles(user, incident: Incident) -> set[str]:
    """The workflow roles the user holds *for this report*."""
    roles = set()
    if is_koordinator(user):
        roles.add(KOORDINATOR)
    if is_petugas_of(user, incident):
        roles.add(PETUGAS)
    return roles


def can_edit(user, incident: Incident) -> bool:
    """May change the triage fields of this report."""
    return bool(_acting_roles(user, incident))


def editable_fields(user, incident: Incident) -> tuple[str, ...]:
    if can_edit(user, incident):
        return EDITABLE_FIELDS
    if is_mitra_of(user, incident) and incident.status in OPEN_STATUSES:
        return MITRA_EDITABLE_FIELDS
    return ()


def can_assign(user, incident: Incident) -> bool:
    """Routing to agencies is the koordinator's, on open reports."""
    return is_koordinator(user) and incident.status in OPEN_STATUSES


def can_request_assignment(user, incident: Incident) -> bool:
    """A petugas of the report's kecamatan may ask the koordinator to route it
    (a koordinator assigns directly instead); whether the report still needs
    it is the service's check."""
    return is_petugas_of(user, incident) and not is_koordinator(user)


def can_add_note(user, incident: Incident) -> bool:
    return bool(_acting_roles(user, incident)) or is_mitra_of(user, incident)


def can_complete_assignment(user, assignment: Assignment) -> bool:
    """The assigned agency closes its own part; the koordinator may do it for them."""
    if assignment.completed_at is not None:
        return False
    if is_koordinator(user):
        return True
    access = _access(user)
    return MITRA in access["roles"] and access["agency_id"] == assignment.agency_id


def transition_roles_ok(user, incident: Incident, target: str) -> bool:
    rule = workflow.get_transition(incident.status, target)
    return rule is not None and bool(rule.roles & _acting_roles(user, incident))


def allowed_transitions(user, incident: Incident) -> list[str]:
    """Statuses this user may move the report to now (guards included, input
    such as the reason or the original report aside)."""
    acting = _acting_roles(user, incident)
    if not acting:
        return []
    allowed = []
    for target in workflow.targets_from(incident.status):
        rule = workflow.get_transition(incident.status, target)
        if not rule.roles & acting:
            continue
        if rule.needs_assignment and not incident.assignments.exists():
            continue
        allowed.append(target)
    return allowed


def can_see_identity(user, incident: Incident) -> bool:
    """Reporter's name and contact. A mitra never sees them; for an anonymous
    report only the koordinator does, and each viewing is audited
    (identity_view_record)."""
    roles = _access(user)["roles"]
    if not roles:
        return False
    if MITRA in roles:
        return False
    if incident.anonymous:
        return KOORDINATOR in roles
    return True


def can_handle_personal_data(user) -> bool:
    """May find, export and erase one reporter's personal data on their request
    (UU 27/2022): the koordinator and the admin, nobody else."""
    return is_koordinator(user)


def identity_view_is_audited(user, incident: Incident) -> bool:
    return incident.anonymous and can_see_identity(user, incident)
