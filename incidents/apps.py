from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Laporan dan penanganan")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Sign-in, sign-out and lockout receivers of the audit trail.
        from . import audit  # noqa: F401
