from django.contrib import admin

from .models import OutboundMessage, OutboxMessage


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
