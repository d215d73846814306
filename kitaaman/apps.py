from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KitaAmanConfig(AppConfig):
    name = "kitaaman"
    verbose_name = _("KITA AMAN")
