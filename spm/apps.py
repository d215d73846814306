from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpmConfig(AppConfig):
    name = "spm"
    verbose_name = _("SPM Trantibumlinmas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from incidents import signals

        from . import rollup
        from .checks import data_gaps_check
        from .desk_counts import desk_status_counts
        from .selectors import month_counts_by_category
        from .services import fire_standard_changed as rebuild_on_fire_standard

        signals.fire_standard_changed.connect(rebuild_on_fire_standard, dispatch_uid="spm.rebuild_on_fire_standard")
        # The aggregates move with every report change, in its transaction.
        signals.incident_changed.connect(rollup.incident_changed, dispatch_uid="spm.rollup.incident_changed")
        # The desk counts and the home page figures are read from those aggregates.
        signals.desk_status_counts.provide(desk_status_counts)
        signals.month_counts_by_category.provide(month_counts_by_category)
        # Only with `check --database default` and during migrate (see spm/checks.py).
        checks.register(data_gaps_check, checks.Tags.database)
