"""The portal as production serves it: static files collected with hashed names
and gzip/Brotli twins (WhiteNoise's CompressedManifestStaticFilesStorage), pages
compressed by the portal, on a live server of its own.

The session's usual live server serves static files from the sources (as on a
developer's machine); weighing the page needs what a resident's phone gets.
"""

from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.test.testcases import LiveServerThread
from django.test.utils import override_settings

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
# Only what the citizen pages use: collecting the API docs' bundles and the
# admin takes minutes on a small machine and weighs nothing here.
NOT_NEEDED = [
    "admin",
    "rest_framework",
    "drf_spectacular_sidecar",
    "draw",
    "leaflet-src*",
    "proj4*",
    "Control.MiniMap*",
]


def production_settings(static_root):
    return override_settings(
        STORAGES={**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}},
        STATIC_ROOT=static_root,
        STATIC_MANIFEST=True,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    )


def collect_static(static_root):
    with production_settings(static_root):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=NOT_NEEDED)
    return static_root


@contextmanager
def production_server(static_root):
    """Yields the base URL of a live server with production static files."""
    with production_settings(static_root):
        shared = {c.alias: c for c in connections.all() if c.vendor == "sqlite" and c.is_in_memory_db()}
        # No static handler of the test server: WhiteNoise answers /static/ itself.
        thread = LiveServerThread("127.0.0.1", static_handler=lambda app: app, connections_override=shared)
        thread.daemon = True
        for conn in shared.values():
            conn.inc_thread_sharing()
        thread.start()
        thread.is_ready.wait()
        try:
            if thread.error:
                raise thread.error
            yield f"http://127.0.0.1:{thread.port}"
        finally:
            thread.terminate()
            for conn in shared.values():
                conn.dec_thread_sharing()
