"""Staff API: /api/v1/incidents/ and its actions."""

urlpatterns = []
