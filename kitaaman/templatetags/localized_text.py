"""{{ service|localized:"served_label" }}: a database text in the reader's language (kitaaman/localized.py)."""

from django import template

from kitaaman.localized import localized as pick

register = template.Library()


@register.filter
def localized(source, field: str) -> str:
    return pick(source, field)
