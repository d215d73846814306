from django.db.models import QuerySet

from .models import Summary
from .permissions import can_view_summaries


def summaries_visible_to(user) -> QuerySet[Summary]:
    if not can_view_summaries(user):
        return Summary.objects.none()
    return Summary.objects.order_by("-generated_at", "-id")
