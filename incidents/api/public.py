"""Public API: report intake, tracking, categories, areas, public map layer."""

urlpatterns = []
