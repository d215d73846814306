"""Settings for the KITA AMAN portal.

One module, driven by environment variables. The defaults run on a laptop:
SQLite, Celery tasks executed eagerly, e-mail printed to the console.
Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and
CELERY_BROKER_URL (see README.md for the full list).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Only the insecure development key is allowed when DEBUG is on; production
# refuses to start without a real key.
# The fallback key is for a laptop only; `check --deploy` flags it (W009).
SECRET_KEY = env("SECRET_KEY") or "django-insecure-kitaaman-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# A rejected form gets the portal's 403 page, not Django's technical one.
CSRF_FAILURE_VIEW = "kitaaman.views.csrf_failure"
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # SimpleAdminConfig: django-leaflet's admin module needs GeoDjango (GDAL),
    # which the portal does not use; kitaaman/urls.py imports our admin modules.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "leaflet",
    "csp",
    "axes",
    "kitaaman",
    "incidents",
    "incidents.channels",
    "spm",
    "spm.summaries",
    "spm.warnings",
    "spm.population",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages leave compressed (a phone on a weak signal pays per byte); static
    # files never reach it, WhiteNoise answers them with their .br/.gz twins.
    "kitaaman.middleware.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kitaaman.middleware.PortalLocaleMiddleware",
    # CommonMiddleware calls request.get_host(), which is what enforces ALLOWED_HOSTS.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kitaaman.middleware.StaffIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    # Desk pages and anything rendered for a signed-in user: Cache-Control: private, no-store.
    "kitaaman.middleware.PrivatePagesMiddleware",
    # A lost database connection or a failing media store: 503, never a 500.
    "kitaaman.middleware.ServiceUnavailableMiddleware",
]

ROOT_URLCONF = "kitaaman.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "kitaaman.context_processors.portal",
                "spm.warnings.context_processors.warnings_banner",
            ],
        },
    },
]

WSGI_APPLICATION = "kitaaman.wsgi.application"

# Persistent connections: opening a PostgreSQL connection cost half of a
# report's CPU in a surge. The health check drops a connection that a database
# restart broke before a request uses it. Off with DEBUG, where runserver opens
# a thread, and so a connection, per request. Celery closes the connection
# around every task on its own (celery.fixups.django), whatever this says.
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 600),
        conn_health_checks=True,
    )
}
# Behind PgBouncer in transaction pooling (README): a server-side cursor
# (QuerySet.iterator) would outlive the transaction that opened it on a
# pooled server connection, and PgBouncer refuses the `options` startup
# parameter, so the statement timeout is then set on the database role.
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if DB_PGBOUNCER:
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    else:
        # A runaway query becomes an error instead of holding a worker forever.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
            f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 30000)}"
        )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update({"timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"
# After signing in without a `next` page: the first role the user holds decides (kitaaman/landing.py).
KITAAMAN_ROLE_LANDING = [
    ("petugas", "desk:home"),
    ("koordinator", "desk:home"),
    ("mitra", "desk:home"),
    ("pimpinan", "spm:dashboard"),
    ("tim_efektif", "spm:dashboard"),
]
LOGOUT_REDIRECT_URL = "home"

# django-axes: lock an account+address after repeated failures.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Locking the account+address pair, never the account alone: a stranger's
# guesses must not lock the officer out. Behind the reverse proxy the address
# is the one the proxy saw (kitaaman.http.client_ip honours NUM_PROXIES), not
# the proxy's own, which every visitor shares.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kitaaman.http.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# The API gets the JSON error envelope instead of the HTML page.
AXES_LOCKOUT_CALLABLE = "incidents.audit.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# Sessions: staff sessions expire after a period of inactivity.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
STAFF_IDLE_TIMEOUT = env_int("STAFF_IDLE_TIMEOUT", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Production (DEBUG=0) serves the files `collectstatic` wrote: hashed names,
# gzip and Brotli twins, cached for a year. A developer's machine (DEBUG=1)
# serves the sources as they are edited.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# Signed device tokens that give each phone its own report limit.
DEVICE_TOKEN_MAX_AGE_DAYS = env_int("DEVICE_TOKEN_MAX_AGE_DAYS", 90)

# Uploads: Django does not cap file sizes itself; the form/serializer does.
MAX_PHOTO_BYTES = env_int("MAX_PHOTO_BYTES", 10 * 1024 * 1024)
# Declared pixels (width x height) of an accepted photo, refused before decoding:
# a camera's baseline JPEG is decoded at a reduced scale; PNG, WebP and
# progressive JPEG must be decoded whole (see `manage.py bench_photos`).
MAX_PHOTO_PIXELS = env_int("MAX_PHOTO_PIXELS", 40_000_000)
MAX_PHOTO_PIXELS_FULL_DECODE = env_int("MAX_PHOTO_PIXELS_FULL_DECODE", 16_000_000)
MAX_PHOTOS = 5
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# E-mail
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))  # only for the file-based backend
# Unset: the sender is built from the region profile (kitaaman.region.default_from_email).
DEFAULT_FROM_EMAIL_SET = bool(env("DEFAULT_FROM_EMAIL", ""))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "KITA AMAN <noreply@localhost>")
SMS_BACKEND = env("SMS_BACKEND", "kitaaman.sms.ConsoleSmsBackend")
# A message claimed this long ago by a worker that never finished is sent again
# (kitaaman/outbound.py; the old variable name is still read).
OUTBOUND_STALE_CLAIM_SECONDS = env_int("OUTBOUND_STALE_CLAIM_SECONDS", env_int("NOTIFY_STALE_CLAIM_SECONDS", 600))

# Reports by SMS and WhatsApp (incidents/channels; README "Laporan lewat SMS dan WhatsApp").
# SMS Gateway for Android: the webhook's signing key, and its API for sending when
# SMS_BACKEND=incidents.channels.sms_android.AndroidSmsGatewayBackend.
SMS_WEBHOOK_SECRET = env("SMS_WEBHOOK_SECRET", "")
SMS_GATEWAY_URL = env("SMS_GATEWAY_URL", "https://api.sms-gate.app/3rdparty/v1")
SMS_GATEWAY_LOGIN = env("SMS_GATEWAY_LOGIN", "")
SMS_GATEWAY_PASSWORD = env("SMS_GATEWAY_PASSWORD", "")
SMS_GATEWAY_TIMEOUT = float(env("SMS_GATEWAY_TIMEOUT", "10") or 10)
# WhatsApp Business Cloud API.
WHATSAPP_VERIFY_TOKEN = env("WHATSAPP_VERIFY_TOKEN", "")
WHATSAPP_APP_SECRET = env("WHATSAPP_APP_SECRET", "")
WHATSAPP_ACCESS_TOKEN = env("WHATSAPP_ACCESS_TOKEN", "")
WHATSAPP_PHONE_NUMBER_ID = env("WHATSAPP_PHONE_NUMBER_ID", "")
WHATSAPP_API_BASE_URL = env("WHATSAPP_API_BASE_URL", "https://graph.facebook.com/v23.0")
WHATSAPP_TIMEOUT = float(env("WHATSAPP_TIMEOUT", "10") or 10)
# The outbound HTTP client (kitaaman/outbound_http.py) refuses internal
# addresses. The hosts listed here (for example an SMS gateway phone on the
# office network: 192.168.1.50) may be reached on one by the configured SMS
# gateway, WhatsApp API and CAP feed URLs; never by addresses that a partner
# or a feed supplies (Open311 media_url, a feed's entries).
OUTBOUND_HTTP_INTERNAL_HOSTS = env_list("OUTBOUND_HTTP_INTERNAL_HOSTS")
# Pre-approved template for news of a report after the 24-hour window has closed.
WHATSAPP_STATUS_TEMPLATE = env("WHATSAPP_STATUS_TEMPLATE", "")
WHATSAPP_TEMPLATE_LANGUAGE = env("WHATSAPP_TEMPLATE_LANGUAGE", "id")
# Flooding: messages per sender within the window beyond this are stored, not answered.
CHANNELS_SENDER_LIMIT = env_int("CHANNELS_SENDER_LIMIT", 20)
CHANNELS_SENDER_WINDOW_MINUTES = env_int("CHANNELS_SENDER_WINDOW_MINUTES", 10)
CHANNELS_CONVERSATION_IDLE_MINUTES = env_int("CHANNELS_CONVERSATION_IDLE_MINUTES", 30)

# Security headers; production (DEBUG off) turns on the HTTPS-only parts.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG and env_bool("KITAAMAN_HTTPS", True):
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^(livez|readyz|healthz)$"]

MAP_TILE_URL = env("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env("MAP_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors")

# Content-Security-Policy (django-csp 4). Every asset is served by the portal;
# only the map tiles come from the configured tile server.
_tile_origin = "/".join(MAP_TILE_URL.split("/")[:3]) if MAP_TILE_URL.startswith("http") else None
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"] + ([_tile_origin] if _tile_origin else []),
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (-2.71, 102.72),
    "DEFAULT_ZOOM": 9,
    "MIN_ZOOM": 8,
    "MAX_ZOOM": 18,
    # Kabupaten bounding box from the desa polygons, with a small margin.
    "SPATIAL_EXTENT": (101.9, -3.25, 103.5, -2.15),
    "TILES": [(_("Peta"), MAP_TILE_URL, {"attribution": MAP_TILE_ATTRIBUTION, "maxZoom": 18})],
    "ATTRIBUTION_PREFIX": "KITA AMAN",
    "RESET_VIEW": False,
    "NO_GLOBALS": False,
    "PLUGINS": {},
}

# Territory: the region's code, names and map bounds are in the region profile
# (kitaaman.RegionProfile, set by `manage.py setup_pemda`).
WILAYAH_DATA_DIR = Path(env("WILAYAH_DATA_DIR", str(BASE_DIR.parent / "shared" / "data" / "wilayah")))

# REST framework
REST_FRAMEWORK = {
    # Token first: DRF names the first class in WWW-Authenticate, which turns
    # an anonymous call into 401 (with session first it would be 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kitaaman.api_errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # Accepted anonymous reports per device token (or per address without one),
        # and the crowd allowance of one address (incidents/intake/quota.py).
        "report_submit": env("THROTTLE_REPORT_SUBMIT", "10/hour"),
        "report_address": env("THROTTLE_REPORT_ADDRESS", "200/hour"),
        "track": env("THROTTLE_TRACK", "120/hour"),
        "token": env("THROTTLE_TOKEN", "20/hour"),
        # New device tokens per address, from the API or the form page.
        "device_token": env("THROTTLE_DEVICE_TOKEN", "200/hour"),
        "open311": env("THROTTLE_OPEN311", "120/hour"),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "KITA AMAN API",
    "DESCRIPTION": (
        "API portal Trantibumlinmas pemerintah daerah.\n\n"
        "Aplikasi lain juga dapat memakai standar **Open311 GeoReport v2** di "
        "[/open311/v2/discovery.json](/open311/v2/discovery.json) (JSON atau XML): daftar layanan, definisi "
        "layanan, laporan publik, dan pengiriman laporan oleh aplikasi mitra yang memegang `api_key`. "
        "Lihat bagian Open311 di README."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Request bodies are documented as JSON only (form bodies are still accepted);
    # an upload endpoint names its multipart body itself (extend_schema request=).
    # One content type per component keeps generated clients usable.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kitaaman.api_schema.lift_branch_defaults",
        "kitaaman.api_schema.inline_nullable_refs",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One schema name per choice set used by several serializers.
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "incidents.models.Status",
        "PriorityEnum": "incidents.models.Priority",
        "ActivityKindEnum": "spm.models.Activity.Kind",
    },
}

# Open311 GeoReport v2 (incidents/open311): one jurisdiction, partner keys
# issued by the admin, media_url fetched within these bounds.
# Unset: the region profile's domain and Satpol PP unit (kitaaman.region).
OPEN311_JURISDICTION_ID = env("OPEN311_JURISDICTION_ID", "")
OPEN311_CONTACT = env("OPEN311_CONTACT", "")
OPEN311_MEDIA_TIMEOUT = env_int("OPEN311_MEDIA_TIMEOUT", 10)
OPEN311_MEDIA_MAX_REDIRECTS = 3
# Only public addresses are fetched; tests and intranet deployments may allow private ones.
OPEN311_MEDIA_ALLOW_PRIVATE = env_bool("OPEN311_MEDIA_ALLOW_PRIVATE", False)

# Cache: Redis when configured (shared between web processes, so rate limits
# hold across workers), local memory otherwise. A Redis that is down, refuses
# or hangs is a cache miss within CACHE_TIMEOUT_MS, then left alone for
# CACHE_RETRY_SECONDS (kitaaman/cache_backend.py): no request fails for it.
CACHE_URL = env("CACHE_URL", "")
CACHE_CONNECT_TIMEOUT = CACHE_SOCKET_TIMEOUT = env_int("CACHE_TIMEOUT_MS", 300) / 1000
CACHE_RETRY_SECONDS = env_int("CACHE_RETRY_SECONDS", 5)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "kitaaman.cache_backend.FailSoftRedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kitaaman"}}

# Celery: eager when no broker is configured.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A Redis that accepts the connection but never answers must not block a request.
_redis_timeouts = {
    "socket_connect_timeout": env_int("REDIS_CONNECT_TIMEOUT", 3),
    "socket_timeout": env_int("REDIS_SOCKET_TIMEOUT", 5),
}
# Unacknowledged (acks_late) tasks of a dead worker come back after the
# visibility timeout; retry countdowns must stay below it.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **_redis_timeouts,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "max_retries": 2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = _redis_timeouts["socket_connect_timeout"]
CELERY_REDIS_SOCKET_TIMEOUT = _redis_timeouts["socket_timeout"]
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = dict(_redis_timeouts)
CELERY_RESULT_EXPIRES = 24 * 3600
# Every beat writes a heartbeat to the broker's Redis, so `manage.py deploy_check`
# can tell that exactly one runs (kitaaman/beat.py); beat wakes at least every minute.
CELERY_BEAT_SCHEDULER = "kitaaman.beat:HeartbeatScheduler"
CELERY_BEAT_MAX_LOOP_INTERVAL = 60
CELERY_BEAT_SCHEDULE = {
    # Runs that pile up while no worker listens would all do the same work: let them expire.
    "outbox-relay": {"task": "kitaaman.tasks.outbox_relay", "schedule": 60.0, "options": {"expires": 55}},
    "sla-sweep": {"task": "incidents.workflow.tasks.sla_sweep", "schedule": crontab(minute="*/15")},
    # UU 27/2022: reporters of reports closed longer than REPORTER_DATA_RETENTION_DAYS are erased.
    "privacy-retention": {"task": "incidents.privacy.tasks.retention_sweep", "schedule": crontab(minute=30, hour=2)},
    # SMS/WhatsApp messages still pending after their task gave up (see incidents/channels/services.py).
    "channels-requeue": {"task": "incidents.channels.tasks.requeue_pending", "schedule": crontab(minute="*/15")},
    # Outgoing messages the sending task left behind (see kitaaman/outbound.py).
    "outbound-requeue": {"task": "kitaaman.tasks.requeue_outbound", "schedule": crontab(minute="7-59/15")},
    # Overdue as at each midnight WIB, the end of any period that ends then (spm/overdue.py).
    "overdue-snapshot": {"task": "spm.tasks.overdue_snapshot", "schedule": crontab(minute=5, hour=0)},
    "summary-weekly": {
        "task": "spm.summaries.tasks.generate_scheduled_summary",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
        "args": ("weekly",),
    },
    "summary-monthly": {
        "task": "spm.summaries.tasks.generate_scheduled_summary",
        "schedule": crontab(minute=0, hour=7, day_of_month="1"),
        "args": ("monthly",),
    },
    "summary-quarterly": {
        "task": "spm.summaries.tasks.generate_scheduled_summary",
        "schedule": crontab(minute=0, hour=7, day_of_month="5", month_of_year="1,4,7,10"),
        "args": ("quarterly",),
    },
    "warnings-expire": {"task": "spm.warnings.tasks.expire_alerts", "schedule": 60.0, "options": {"expires": 55}},
    "warnings-feeds": {
        "task": "spm.warnings.tasks.fetch_feeds",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 280},
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Early warnings (CAP 1.2). The sender identifies the portal to CAP consumers:
# keep it stable once messages have gone out.
# Unset: taken from the region profile (kitaaman.region.cap_sender and so on).
CAP_SENDER = env("CAP_SENDER", "")
CAP_SENDER_NAME = env("CAP_SENDER_NAME", "")
CAP_CONTACT = env("CAP_CONTACT", "")
CAP_IDENTIFIER_PREFIX = env("CAP_IDENTIFIER_PREFIX", "")
# Staff of this agency (any role) draft warnings, besides the Tim Efektif.
WARNINGS_DRAFTER_AGENCY = env("WARNINGS_DRAFTER_AGENCY", "bpbd")
# Reading other authorities' CAP feeds: per request timeout and size cap.
WARNINGS_FEED_TIMEOUT = env_int("WARNINGS_FEED_TIMEOUT", 10)
WARNINGS_FEED_MAX_BYTES = env_int("WARNINGS_FEED_MAX_BYTES", 2 * 1024 * 1024)
WARNINGS_FEED_MAX_ENTRIES = env_int("WARNINGS_FEED_MAX_ENTRIES", 50)
THROTTLE_SUBSCRIBE = env("THROTTLE_SUBSCRIBE", "10/hour")

# Personal data (UU 27/2022): days after a report is closed until its reporter's
# name, phone and e-mail are erased by the daily retention run; 0 keeps them.
REPORTER_DATA_RETENTION_DAYS = env_int("REPORTER_DATA_RETENTION_DAYS", 730)
# A backup keeps what it held, erased reporters included, until it expires:
# `manage.py backup` removes backups older than this from the folder it writes into.
BACKUP_RETENTION_DAYS = env_int("BACKUP_RETENTION_DAYS", 14)

# Seconds the home page figures are kept in the cache (they lag reports by at most this).
KITAAMAN_HOME_CACHE_SECONDS = env_int("KITAAMAN_HOME_CACHE_SECONDS", 60)
# Seconds a cached public map layer or reference list lives at most: a change
# made without a hook (a bulk UPDATE) shows after this. Hooked changes show at once.
KITAAMAN_PUBLIC_CACHE_SECONDS = env_int("KITAAMAN_PUBLIC_CACHE_SECONDS", 120)
# Markers in one public map layer answer (the newest first).
KITAAMAN_PUBLIC_LAYER_LIMIT = env_int("KITAAMAN_PUBLIC_LAYER_LIMIT", 1000)

# Test and CI switches
KITAAMAN_REQUIRE_SERVICES = env_bool("KITAAMAN_REQUIRE_SERVICES", False)
# Seconds summary generation sleeps inside its transaction (worker-kill tests only).
KITAAMAN_TEST_SUMMARY_DELAY = float(env("KITAAMAN_TEST_SUMMARY_DELAY", "0") or 0)
