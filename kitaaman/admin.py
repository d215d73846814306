from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import NotificationDelivery, OutboxMessage, RegionProfile


class ReadOnlyAdmin(admin.ModelAdmin):
    """Delivery records are evidence of what was sent; nobody edits them by hand."""

    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "task_name", "state", "attempts", "sent_at")
    list_filter = ("state", "task_name")
    search_fields = ("=id",)


@admin.register(NotificationDelivery)
class NotificationDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "recipient", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient", "=message_id", "=incident_id")


@admin.register(RegionProfile)
class RegionProfileAdmin(admin.ModelAdmin):
    """The one profile of the Pemda: changed here or by `manage.py region_setup`,
    never added twice nor deleted."""

    list_display = ("official_name", "code", "kind", "updated_at")
    fieldsets = (
        (None, {"fields": ("kind", "code", "name", "official_name", "short_name", "province")}),
        (_("Pejabat dan satuan"), {"fields": ("head_title", "asisten_title", "satpol_pp_name")}),
        (_("Kontak"), {"fields": ("address", "phone", "email", "emergency_numbers", "domain")}),
        (_("Tampilan"), {"fields": ("logo", "colour_primary", "colour_accent")}),
        (
            _("Privasi dan peringatan dini"),
            {
                "fields": (
                    "data_controller",
                    "cap_sender",
                    "cap_sender_name",
                    "cap_contact",
                    "cap_profile_code",
                    "cap_identifier_prefix",
                    "sms_prefix",
                )
            },
        ),
        (_("Dasar hukum"), {"fields": ("perda_trantibum", "sk_tim_efektif")}),
        (_("Batas peta"), {"fields": ("min_lat", "max_lat", "min_lng", "max_lng")}),
    )

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not RegionProfile.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
