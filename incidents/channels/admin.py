"""Messages in the admin, read-only: evidence of what arrived, and the place
to see a message whose processing was given up. What was sent back is in
the outbound ledger (kitaaman's admin, "pesan keluar")."""

from django.contrib import admin

from incidents.channels.models import BlockedNumber, Conversation, InboundMessage
from kitaaman.admin import ReadOnlyAdmin


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "channel", "sender", "state", "note", "attempts")
    list_filter = ("state", "channel")
    search_fields = ("=sender", "=provider_id")
    exclude = ("raw",)


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "channel", "sender", "status", "step", "incident")
    list_filter = ("status", "channel")
    search_fields = ("=sender",)
    raw_id_fields = ("incident",)


@admin.register(BlockedNumber)
class BlockedNumberAdmin(ReadOnlyAdmin):
    """Blocking and unblocking happen on the desk (audited), not here."""

    list_display = ("number", "reason", "blocked_by", "created_at")
    search_fields = ("=number",)
