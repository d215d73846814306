from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpmConfig(AppConfig):
    name = "spm"
    verbose_name = _("SPM Trantibumlinmas")

    def ready(self):
        from django.core import checks
        from django.db.models.signals import post_save

        from incidents import signals
        from kitaaman.models import RegionProfile

        from . import rollup
        from .checks import data_gaps_check
        from .desk_counts import desk_status_counts
        from .seed import region_kind_changed
        from .selectors import month_counts_by_category
        from .services import fire_standard_changed as rebuild_on_fire_standard

        signals.fire_standard_changed.connect(rebuild_on_fire_standard, dispatch_uid="spm.rebuild_on_fire_standard")
        # The aggregates move with every report change, in its transaction.
        signals.incident_changed.connect(rollup.incident_changed, dispatch_uid="spm.rollup.incident_changed")
        # The desk counts and the home page figures are read from those aggregates.
        signals.desk_status_counts.provide(desk_status_counts)
        signals.month_counts_by_category.provide(month_counts_by_category)
        # The seeded action plan names the head of region of the profile's kind.
        post_save.connect(region_kind_changed, sender=RegionProfile, dispatch_uid="spm.region_kind_changed")
        # Only with `check --database default` and during migrate (see spm/checks.py).
        checks.register(data_gaps_check, checks.Tags.database)
