"""The data-gaps block on the Django admin's index (templates/admin/index.html),
which has no view of ours to add it to the context."""

from django import template

from spm.data_health import data_gaps
from spm.permissions import can_see_data_gaps

register = template.Library()


@register.inclusion_tag("spm/_data_gaps.html")
def data_gaps_for(user):
    return {"data_gaps": data_gaps() if can_see_data_gaps(user) else []}
