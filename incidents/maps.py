"""Maps that load on request: the home page's report map and the report form's
point picker send no Leaflet and no tiles until the visitor asks for the map.
What a page's script needs to load Leaflet, and the map's settings."""

from django.conf import settings
from django.templatetags.static import static

from kitaaman import region

LEAFLET_CSS = ("leaflet/leaflet.css",)
# peta-bahasa.js puts Leaflet's controls in the page's language (templates/incidents/_leaflet_language.html).
LEAFLET_JS = ("leaflet/leaflet.js", "js/peta-bahasa.js")


def leaflet_loader(scripts: tuple[str, ...]) -> dict:
    """Loaded in order when the map is opened: Leaflet, then the page's own map script."""
    tiles = settings.LEAFLET_CONFIG["TILES"][0]
    return {
        "css": [static(name) for name in LEAFLET_CSS],
        "js": [static(name) for name in LEAFLET_JS + scripts],
        "tiles": tiles[1],
        "attribution": tiles[2].get("attribution", ""),
        "minZoom": settings.LEAFLET_CONFIG["MIN_ZOOM"],
        "maxZoom": settings.LEAFLET_CONFIG["MAX_ZOOM"],
        "center": region.center(),
        # The map cannot be panned away from the region (as django-leaflet's SPATIAL_EXTENT does).
        "bounds": region.bounds(),
        "zoom": settings.LEAFLET_CONFIG["DEFAULT_ZOOM"],
        "prefix": settings.LEAFLET_CONFIG["ATTRIBUTION_PREFIX"],
    }
