from django.contrib import admin

from kitaaman.admin import ReadOnlyAdmin

from .models import Summary, SummaryRun


@admin.register(Summary)
class SummaryAdmin(ReadOnlyAdmin):
    # Summaries are produced by summary_generate only; the admin shows them.
    deletable = True
    list_display = ("period_key", "kind", "revision", "provisional", "generated_at", "mailed_revision")
    list_filter = ("kind", "provisional")
    search_fields = ("period_key",)


@admin.register(SummaryRun)
class SummaryRunAdmin(ReadOnlyAdmin):
    deletable = True
    list_display = ("created_at", "kind", "period_key", "scheduled_for", "source", "state", "attempts", "revision")
    list_filter = ("state", "kind", "source")
    search_fields = ("period_key", "task_id")
