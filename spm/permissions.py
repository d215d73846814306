"""Who may see the SPM dashboard and who may enter SPM data.

Asisten I (pimpinan) and the Tim Efektif read; only the Tim Efektif writes
(the admin keeps the Django admin for reference data)."""

from incidents.permissions import user_roles
from incidents.roles import ADMIN, PIMPINAN, READ_ALL_ROLES, TIM_EFEKTIF

VIEW_ROLES = frozenset({PIMPINAN, TIM_EFEKTIF, ADMIN})

# The SPM figures, the dashboard's links and the summaries count every report of
# the kabupaten without the visibility rule (incidents_visible_to). That is only
# right while everyone who reads them may read all reports.
if not VIEW_ROLES <= READ_ALL_ROLES:
    raise ImportError("SPM readers must be roles that may read all reports (incidents.roles.READ_ALL_ROLES)")


def can_view_dashboard(user) -> bool:
    return bool(user_roles(user) & VIEW_ROLES)


def can_enter_data(user) -> bool:
    return TIM_EFEKTIF in user_roles(user)


def can_see_data_gaps(user) -> bool:
    """The data gaps (spm/data_health.py) are shown to those who fill them: the
    Tim Efektif and the admin, not to readers or officers."""
    return bool(user_roles(user) & {TIM_EFEKTIF, ADMIN})
