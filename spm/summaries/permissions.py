"""Who may read the compliance summaries: the Tim Efektif and the pimpinan
(and the portal's administrators, who can see them in the admin anyway)."""

from incidents.roles import PIMPINAN, READ_ALL_ROLES, TIM_EFEKTIF

READER_GROUPS = (TIM_EFEKTIF, PIMPINAN)

# Summaries count every report of the kabupaten: their readers must be roles
# that may read all reports.
if not set(READER_GROUPS) <= READ_ALL_ROLES:
    raise ImportError("summary readers must be roles that may read all reports")


def can_view_summaries(user) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=READER_GROUPS).exists()
