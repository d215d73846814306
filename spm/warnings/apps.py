from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WarningsConfig(AppConfig):
    name = "spm.warnings"
    label = "warnings"
    verbose_name = _("Peringatan dini bencana")
    default_auto_field = "django.db.models.BigAutoField"
