from django.contrib import admin

from . import services
from .models import Population


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("kecamatan", "desa", "year", "value", "source", "updated_at")
    list_filter = ("year", "kecamatan")
    search_fields = ("kecamatan__name", "desa__name", "source")
    raw_id_fields = ("desa",)
    readonly_fields = ("updated_by", "updated_at")

    def save_model(self, request, obj, form, change):
        # Through the service: the desa decides the kecamatan, and an audit row is written.
        row, _created = services.population_save(
            actor=request.user,
            code=obj.desa_id or obj.kecamatan_id,
            year=obj.year,
            value=obj.value,
            source=obj.source,
        )
        obj.pk = row.pk
