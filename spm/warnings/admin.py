from django.contrib import admin

from kitaaman.admin import ReadOnlyAdmin

from .models import Alert, AlertEvent, ExternalAlert, ExternalFeed, Subscriber, WarningSettings


class WrittenByServices(ReadOnlyAdmin):
    """Written by the services only (workflow, delivery, feed reader); the admin shows them."""

    deletable = True


@admin.register(Alert)
class AlertAdmin(WrittenByServices):
    list_display = ("headline", "msg_type", "state", "event", "sent", "expires")
    list_filter = ("state", "msg_type", "event")
    search_fields = ("identifier", "headline")


@admin.register(AlertEvent)
class AlertEventAdmin(WrittenByServices):
    list_display = ("created_at", "alert", "action", "from_state", "to_state", "actor_label")
    list_filter = ("action",)


@admin.register(Subscriber)
class SubscriberAdmin(WrittenByServices):
    list_display = ("desa", "channel", "created_at", "confirmed_at")
    list_filter = ("channel",)
    # Addresses are personal data: not searchable or listed in bulk.


@admin.register(ExternalFeed)
class ExternalFeedAdmin(admin.ModelAdmin):
    list_display = ("name", "url", "active", "last_success_at", "failures", "next_fetch_at")
    list_filter = ("active",)
    readonly_fields = ("etag", "last_modified", "last_checked_at", "last_success_at", "failures", "last_error")


@admin.register(ExternalAlert)
class ExternalAlertAdmin(WrittenByServices):
    list_display = ("feed", "headline", "event", "sent", "expires", "withdrawn")
    list_filter = ("feed", "withdrawn")
    search_fields = ("identifier", "headline")


@admin.register(WarningSettings)
class WarningSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not WarningSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
