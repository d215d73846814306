from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpmConfig(AppConfig):
    name = "spm"
    verbose_name = _("SPM Trantibumlinmas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.core import checks

        from incidents.signals import fire_standard_changed

        from .checks import data_gaps_check
        from .services import fire_standard_changed as rebuild_on_fire_standard

        fire_standard_changed.connect(rebuild_on_fire_standard, dispatch_uid="spm.rebuild_on_fire_standard")
        # Only with `check --database default` and during migrate (see spm/checks.py).
        checks.register(data_gaps_check, checks.Tags.database)
