from django.utils.functional import SimpleLazyObject

from .selectors import banner_items


def warnings_banner(request):
    # Lazy: only the pages that include the banner (/ and /lapor/) pay for the query.
    return {"warning_banner": SimpleLazyObject(banner_items)}
