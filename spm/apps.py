from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpmConfig(AppConfig):
    name = "spm"
    verbose_name = _("SPM Trantibumlinmas")
    default_auto_field = "django.db.models.BigAutoField"
