from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PopulationConfig(AppConfig):
    name = "spm.population"
    label = "population"
    verbose_name = _("Jumlah penduduk")
