from django.contrib import admin

from .models import OutboundMessage, OutboxMessage


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


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "channel", "recipient", "subject", "state", "attempts", "template", "sent_at")
    list_filter = ("state", "channel", "kind")
    search_fields = ("recipient", "=id", "=message_id", "=incident_id")
    exclude = ("html",)
