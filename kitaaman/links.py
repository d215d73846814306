"""Links to the portal's own pages from text that is not a request's answer
(data-gap lists, export checks)."""

from django.urls import NoReverseMatch, reverse


def page_href(name: str, query: str = "", args=()) -> str:
    """The path of the page `name` (with `args`) followed by `query`; "" when
    this installation has no such page (the admin switched off, say), so the
    caller shows the text without a link."""
    try:
        return reverse(name, args=list(args)) + query
    except NoReverseMatch:
        return ""
