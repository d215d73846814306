from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OutboundMessage, OutboxMessage, RegionProfile


class ReadOnlyMixin:
    """For rows only the services write (reports, events, deliveries, figures
    entered on the dashboard, warnings): the admin shows them, nobody adds or
    edits them by hand. `deletable` lets an admin delete a row (where the
    model allows it: obsolete or personal data)."""

    deletable = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return self.deletable and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    show_full_result_count = False  # no COUNT(*) over a large table on every page


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "task_name", "state", "attempts", "sent_at")
    list_filter = ("state", "task_name")
    search_fields = ("=id",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "recipient", "subject", "state", "attempts", "template", "sent_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("recipient", "=id", "=message_id", "=incident_id")
    exclude = ("html",)


@admin.register(RegionProfile)
class RegionProfileAdmin(admin.ModelAdmin):
    """The one profile of the Pemda: changed here or by `manage.py setup_pemda`,
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
