from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kitaaman.admin import ReadOnlyAdmin

from . import services
from .models import (
    Activity,
    Budget,
    Milestone,
    PeriodAssessment,
    QualityCheck,
    QualityItem,
    Service,
    Signatory,
    SpmSettings,
    Target,
    TeamDecree,
)


@admin.register(SpmSettings)
class SpmSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "band_green", "band_yellow", "updated_at")

    def has_add_permission(self, request):
        return not SpmSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Through the service: audit row.
        services.spm_settings_update(
            actor=request.user,
            band_green=obj.band_green,
            band_yellow=obj.band_yellow,
        )


class QualityItemInline(admin.TabularInline):
    model = QualityItem
    extra = 0
    fields = ("code", "name", "name_en", "weight", "sort_order", "active")


class ServiceForm(forms.ModelForm):
    class Meta:
        model = Service
        fields = [
            "name",
            "name_en",
            "short_name",
            "short_name_en",
            "lead_agency",
            "legal_basis",
            "recipients_definition",
            "recipients_definition_en",
            "must_serve_label",
            "must_serve_label_en",
            "served_label",
            "served_label_en",
            "weight_recipients",
            "weight_quality",
            "sort_order",
        ]

    def clean(self):
        data = super().clean()
        if (data.get("weight_recipients") or 0) + (data.get("weight_quality") or 0) != 100:
            raise ValidationError(_("Bobot penerima layanan dan bobot mutu harus berjumlah 100."))
        return data


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    form = ServiceForm
    list_display = ("code", "short_name", "lead_agency", "legal_basis", "source", "weight_recipients", "weight_quality")
    readonly_fields = ("code", "source")
    inlines = [QualityItemInline]

    def has_add_permission(self, request):
        # The five services are fixed by PP 2/2018; their codes are stable.
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class QualityCheckInline(admin.TabularInline):
    model = QualityCheck
    extra = 0
    fields = ("item", "met", "note")


@admin.register(PeriodAssessment)
class PeriodAssessmentAdmin(admin.ModelAdmin):
    list_display = ("service", "year", "quarter", "kecamatan", "updated_at", "updated_by")
    list_filter = ("service", "year", "quarter", "kecamatan")
    inlines = [QualityCheckInline]


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    # Entered on /dasbor/sasaran/ through spm.services (audit, replace-on-same-key).
    deletable = True
    list_display = ("service", "year", "kecamatan", "hazard", "value", "note", "updated_at")
    list_filter = ("service", "year", "kecamatan")


@admin.register(Budget)
class BudgetAdmin(ReadOnlyAdmin):
    # Entered on /dasbor/anggaran/ through spm.services (audit, replace-on-same-key).
    deletable = True
    list_display = ("service", "year", "pagu", "realisasi", "note", "updated_at", "updated_by")
    list_filter = ("service", "year")


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    # Entered on /dasbor/kegiatan/ through spm.services (evidence checks, audit).
    deletable = True
    list_display = ("date", "service", "desa", "kind", "hazard", "people_reached")
    list_filter = ("service", "kind", "kecamatan")
    date_hierarchy = "date"
    raw_id_fields = ("desa",)


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "due_date", "status", "completed_on")
    readonly_fields = ("evidence", "evidence_content_type", "updated_by")


@admin.register(TeamDecree)
class TeamDecreeAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "signed_on", "valid_from", "valid_until")
    search_fields = ("number", "title")
    date_hierarchy = "valid_from"
    readonly_fields = ("created_at", "updated_at")


@admin.register(Signatory)
class SignatoryAdmin(admin.ModelAdmin):
    list_display = ("role", "name", "position", "nip", "active")
    list_filter = ("role", "active")
    search_fields = ("name", "position", "=nip")
