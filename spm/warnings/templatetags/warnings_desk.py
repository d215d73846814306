"""{% awaiting_approval %}: the "Menunggu persetujuan" block of a landing page.

Shown on the pages where those who may publish land after signing in (the
desk queue, the SPM dashboard): the drafts waiting for their approval, never
their own. Nothing at all for anyone else, and nothing when none waits.
"""

from django import template

from ..approval import awaiting_approval_of

register = template.Library()
SHOWN = 5


@register.inclusion_tag("warnings/desk/_awaiting.html", takes_context=True)
def awaiting_approval(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"drafts": [], "count": 0}
    qs = awaiting_approval_of(user)
    drafts = list(qs[: SHOWN + 1])
    count = len(drafts) if len(drafts) <= SHOWN else qs.count()
    return {"drafts": drafts[:SHOWN], "count": count, "more": count > SHOWN}
