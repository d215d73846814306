from django.contrib import admin

from .models import Summary, SummaryRun


@admin.register(Summary)
class SummaryAdmin(admin.ModelAdmin):
    list_display = ("period_key", "kind", "revision", "provisional", "generated_at", "mailed_revision")
    list_filter = ("kind", "provisional")
    search_fields = ("period_key",)
    show_full_result_count = False

    # Summaries are produced by summary_generate only; the admin shows them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SummaryRun)
class SummaryRunAdmin(admin.ModelAdmin):
    list_display = ("created_at", "kind", "period_key", "scheduled_for", "source", "state", "attempts", "revision")
    list_filter = ("state", "kind", "source")
    search_fields = ("period_key", "task_id")
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
