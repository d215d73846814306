"""{% fields form.a form.b %}: form fields one after another, each as
incidents/desk/_field.html renders it (label, errors, widget, help); with
side_by_side=True they share one grid row (two or three to a row)."""

from django import template

register = template.Library()


@register.inclusion_tag("incidents/desk/_fields.html")
def fields(*bound_fields, side_by_side=False):
    return {"fields": bound_fields, "side_by_side": side_by_side}
