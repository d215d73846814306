"""`manage.py check --database default` (and every `migrate`) lists the data
gaps of spm/data_health.py as warnings, spm.W001 onwards in the order of
CODES.

Tagged `database`: Django runs such checks only when asked for a database,
so `check`, `check --deploy` and `runserver` never query it (a fresh
checkout has no tables yet, and `check --deploy --fail-level WARNING` in CI
is about settings, not about data).
"""

from django.core import checks
from django.db import DatabaseError

from .data_health import data_gaps

# Stable ids: a gap keeps its number when others are added (append only).
CODES = [
    "holidays-missing-this-year",
    "holidays-missing-next-year",
    "targets-missing-this-year",
    "targets-missing-next-year",
    "population-missing",
    "population-outdated",
    "population-demo",
    "agencies-unreachable",
    "team-decree-missing",
    "team-decree-expired",
    "team-decree-expiring",
    "team-decree-demo",
    "signatory-missing",
    "signatory-demo",
]


def check_id(code: str) -> str:
    """spm.W0NN of a gap code; per-service and per-role codes share their family's number."""
    family = next((known for known in CODES if code == known or code.startswith(known + "-")), None)
    number = CODES.index(family) + 1 if family else 99
    return f"spm.W{number:03d}"


def data_gaps_check(app_configs=None, databases=None, **kwargs):
    """Registered by SpmConfig.ready() with the `database` tag."""
    if not databases or "default" not in databases:
        return []
    try:
        gaps = data_gaps()
    except DatabaseError:
        # Tables not created yet (migrate runs its checks before migrating).
        return []
    return [
        checks.Warning(gap.message, hint=f"{gap.who}: {gap.href}" if gap.href else gap.who, id=check_id(gap.code))
        for gap in gaps
    ]
