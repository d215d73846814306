from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpmConfig(AppConfig):
    name = "spm"
    verbose_name = _("SPM Trantibumlinmas")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from incidents.signals import fire_standard_changed

        from .services import fire_standard_changed as rebuild_on_fire_standard

        fire_standard_changed.connect(rebuild_on_fire_standard, dispatch_uid="spm.rebuild_on_fire_standard")
