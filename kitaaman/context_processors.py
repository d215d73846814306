from django.conf import settings

from incidents.permissions import user_group_names

from . import region as region_profile


def portal(request):
    user = getattr(request, "user", None)
    groups = set()
    if user is not None and user.is_authenticated:
        groups = set(user_group_names(user))  # read once per request with the roles
    return {
        # django-leaflet's map template reads `csp_nonce` for its inline script.
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "PORTAL_NAME": "KITA AMAN",
        # The Pemda this portal serves (names, head of region's title, contacts).
        "region": region_profile.current(),
        "region_map": region_profile.leaflet_overrides(),
        "user_roles": groups,
        "is_staff_user": bool(groups) or bool(user and user.is_authenticated and user.is_superuser),
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
    }
