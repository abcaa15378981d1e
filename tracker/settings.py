"""Settings for the tracker, read from the environment (docs/configuration.md lists every variable).

The embedded default is SQLite in the project folder and Celery tasks run in-process (DEBUG on,
or TRACKER_EMBEDDED=1). Production sets DEBUG off, SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL
and ALLOWED_HOSTS, and refuses to start without the database or the broker.
"""

from __future__ import annotations

import re
from pathlib import Path

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
# Set by the test runner's plugin (tests/environment.py) so test speed-ups live here, in one place.
TESTING = env.bool("TRACKER_TESTING", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment, or set DEBUG=1 for development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

# Production (DEBUG off) runs on PostgreSQL with a broker; the embedded default (SQLite, tasks
# in-process) there only when asked for by name, never because a variable was forgotten.
EMBEDDED = env.bool("TRACKER_EMBEDDED", default=False)
if not (DEBUG or TESTING or EMBEDDED):
    _missing = [name for name in ("DATABASE_URL", "CELERY_BROKER_URL") if not env.str(name, "")]
    if _missing:
        raise ImproperlyConfigured(
            f"{' and '.join(_missing)} not set. With DEBUG off the tracker needs PostgreSQL "
            "(DATABASE_URL) and a broker (CELERY_BROKER_URL); set TRACKER_EMBEDDED=1 to run on "
            "the embedded default (SQLite, tasks in-process) on purpose."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "simple_history",
    "import_export",
    "django_celery_beat",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partners",
    "statements",
    "opportunities",
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an in-process job share the file; a 32 MB
    # page cache (SQLite's default is 2 MB) keeps the mention indexes of a large import in memory.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction pooling, a server-side cursor (QuerySet.iterator(), used
    # by exports and digests) may meet a different server connection at its next fetch; Django
    # then reads with client-side cursors instead. Prepared statements stay off (Django's
    # default for psycopg 3), which transaction pooling also needs. See docs/operations.md.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "PGBOUNCER_TRANSACTION_POOLING", default=False
    )

# Axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "tracker.backends.ModelBackend"]

# Behind this many proxies that each append to X-Forwarded-For, the client's address is the
# entry the outermost appended (lib/ratelimit.client_address); 0: REMOTE_ADDR.
TRACKER_TRUSTED_PROXIES = env.int("TRACKER_TRUSTED_PROXIES", default=0)

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one address, that pair is locked out for LOGIN_LOCKOUT_MINUTES. Per pair, not per address
# alone, so one guesser behind a shared address does not lock out everyone else there.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_MINUTES", default=15.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "lib.ratelimit.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Wrong API tokens, `?key=` values and calendar keys: this many per address per window (s),
# then 429 until the window ends (lib/ratelimit.py).
KEY_FAILURE_LIMIT = env.int("KEY_FAILURE_LIMIT", default=20)
KEY_FAILURE_WINDOW = env.int("KEY_FAILURE_WINDOW", default=600)

# The failure counters live in the cache (CACHES below): in production CACHE_URL points at Redis
# so every gunicorn worker shares the counts.

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "admin:login"

# E-mail: console in development; SMTP (EMAIL_URL=smtp://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default="consolemail://" if DEBUG else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    # Off by default: both break a plain-HTTP installation, and HSTS is remembered by browsers
    # for its whole max-age. Turn them on once the site is served over HTTPS only.
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
    # Load balancers probe the health check over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)

# Content-Security-Policy on every page: scripts and stylesheets from this server only (no
# inline script; a page that needs one gives it {{ request.csp_nonce }}), nothing framed.
# Style attributes stay allowed: the charts size their SVG with one, Django REST framework's
# browsable API uses a few, and an attribute can load nothing from elsewhere under this policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The organisation running the tracker; countries named beside it are partners.
TRACKER_HOME_COUNTRY = env.str("TRACKER_HOME_COUNTRY", default="IN").upper()
# The currency every value total and chart is shown in, converted at the dated exchange rates
# kept in the admin (opportunities/money/); a three-letter ISO 4217 code.
TRACKER_REPORTING_CURRENCY = env.str("TRACKER_REPORTING_CURRENCY", default="USD").upper()
if not re.fullmatch(r"[A-Z]{3}", TRACKER_REPORTING_CURRENCY):
    raise ImproperlyConfigured("TRACKER_REPORTING_CURRENCY must be an ISO 4217 code such as USD.")

# Statement fetching: every request goes through lib/http with these limits.
STATEMENTS_FETCH_TIMEOUT = env.float("STATEMENTS_FETCH_TIMEOUT", default=15.0)
STATEMENTS_FETCH_MAX_BYTES = env.int("STATEMENTS_FETCH_MAX_BYTES", default=10 * 1024 * 1024)
# PDFs from folders are not capped by a fetch; both caps bound what PDFium is handed.
STATEMENTS_PDF_MAX_BYTES = env.int("STATEMENTS_PDF_MAX_BYTES", default=20 * 1024 * 1024)
STATEMENTS_PDF_MAX_PAGES = env.int("STATEMENTS_PDF_MAX_PAGES", default=300)
# Scans are read by OCR where Debian's tesseract-ocr is installed (statements/parse/ocr.py).
STATEMENTS_PDF_OCR = env.bool("STATEMENTS_PDF_OCR", default=True)
STATEMENTS_PDF_OCR_LANGUAGES = env.str("STATEMENTS_PDF_OCR_LANGUAGES", default="eng")
STATEMENTS_PDF_OCR_MAX_PAGES = env.int("STATEMENTS_PDF_OCR_MAX_PAGES", default=20)
STATEMENTS_PDF_OCR_PAGE_SECONDS = env.float("STATEMENTS_PDF_OCR_PAGE_SECONDS", default=60.0)
# Near-duplicate statements grouped into stories at import (statements/stories.py).
STATEMENTS_GROUP_STORIES = env.bool("STATEMENTS_GROUP_STORIES", default=True)
# Hosts (names or IPs) allowed even though they resolve to private or loopback addresses.
STATEMENTS_FETCH_ALLOWED_HOSTS = env.list("STATEMENTS_FETCH_ALLOWED_HOSTS", default=[])
# Directories folder sources may read (resolved; nothing outside them, by `..` or symlink).
STATEMENTS_FOLDER_ROOTS = env.list(
    "STATEMENTS_FOLDER_ROOTS", default=[str(BASE_DIR / "statements" / "samples")]
)
STATEMENTS_USER_AGENT = env.str(
    "STATEMENTS_USER_AGENT", default="PartnershipTracker/1.0 (+statement importer)"
)
# Requests per host per minute at most, across sources (0: no limit). The tests run without
# one unless they set it: dozens of them fetch from 127.0.0.1 every second.
STATEMENTS_FETCH_PER_HOST_PER_MINUTE = env.int(
    "STATEMENTS_FETCH_PER_HOST_PER_MINUTE", default=0 if TESTING else 30
)

# The cache holds the polite-fetching state (requests per host, robots.txt, Retry-After holds)
# and the wrong-key failure counters: point CACHE_URL at Redis (redis://host:6379/2) so every
# worker shares them; by default each process keeps its own.
_CACHE_URL = env.str("CACHE_URL", default="")
if _CACHE_URL and not _CACHE_URL.startswith(("redis://", "rediss://")):
    raise ImproperlyConfigured(f"CACHE_URL must be a redis:// or rediss:// URL, not {_CACHE_URL!r}")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
        if _CACHE_URL.startswith(("redis://", "rediss://"))
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Reminders: digests, stale work, calendar feeds and webhooks (opportunities/reminders/).
# Where links in mails and calendar events point: the address staff open the admin at.
TRACKER_SITE_URL = env.str("TRACKER_SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Days without a note, follow-up or stage change after which an open opportunity is stale, per
# stage ("identified=30,qualifying=21,..."); stages not named use REMINDERS_STALE_DAYS_DEFAULT.
REMINDERS_STALE_DAYS = env.dict(
    "REMINDERS_STALE_DAYS",
    cast={"value": int},
    default={
        "identified": 30,
        "qualifying": 21,
        "engaged": 14,
        "proposal": 10,
        "agreement": 10,
        "on_hold": 90,
    },
)
REMINDERS_STALE_DAYS_DEFAULT = env.int("REMINDERS_STALE_DAYS_DEFAULT", default=30)
# Team leads' digests list their team's follow-ups overdue by more than this many days.
REMINDERS_LEAD_OVERDUE_DAYS = env.int("REMINDERS_LEAD_OVERDUE_DAYS", default=3)
# Webhook deliveries: attempts after the first, and the first wait (doubled each time, capped).
WEBHOOKS_MAX_RETRIES = env.int("WEBHOOKS_MAX_RETRIES", default=5)
WEBHOOKS_RETRY_BACKOFF = env.int("WEBHOOKS_RETRY_BACKOFF", default=60)
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=10.0)
# A pending delivery this many seconds past its next attempt has no task coming: queue it again.
# Longer than a task waits in the notifications queue; retries longer than CELERY_MAX_COUNTDOWN
# are left to this sweep too, so they go out up to this much late.
WEBHOOKS_STALLED_AFTER = env.int("WEBHOOKS_STALLED_AFTER", default=300)
# The export and upload log (tracker.SheetLog) is kept this many days; a daily beat job prunes it.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=365)
if AUDIT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("AUDIT_RETENTION_DAYS must be at least 1 (days)")

# Bulk uploads (API and admin) of more rows than this run as a Celery job with a status URL;
# smaller ones are answered at once, as before (docs/api.md).
SHEETS_JOB_ROWS = env.int("SHEETS_JOB_ROWS", default=5000)
# An upload job (its file, counts, changes and row errors) is deleted this many days after it
# finished, by a nightly beat job; the export and upload log keeps its entry (above).
UPLOAD_JOB_RETENTION_DAYS = env.int("UPLOAD_JOB_RETENTION_DAYS", default=30)
if UPLOAD_JOB_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("UPLOAD_JOB_RETENTION_DAYS must be at least 1 (days)")

# Celery: with no broker URL, tasks run in-process (eager) on the embedded default.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=CELERY_TASK_SOFT_TIME_LIMIT + 60)
# Redis redelivers a message unacknowledged for the visibility timeout: that is how the tasks
# of a killed worker come back, and it also redelivers a retry waiting out its countdown. So a
# countdown is at most CELERY_MAX_COUNTDOWN (longer waits are left to the beat sweepers), and
# the timeout covers a countdown plus a whole run: a redelivery never starts while the first
# delivery may still be running. A killed worker's tasks come back after the timeout plus at
# most one restore interval: 600 + 10 s by default (docs/operations.md).
CELERY_MAX_COUNTDOWN = env.int("CELERY_MAX_COUNTDOWN", default=240)
CELERY_VISIBILITY_TIMEOUT = env.int(
    "CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + CELERY_MAX_COUNTDOWN
)
if CELERY_VISIBILITY_TIMEOUT < CELERY_TASK_TIME_LIMIT + CELERY_MAX_COUNTDOWN:
    raise ImproperlyConfigured(
        "CELERY_VISIBILITY_TIMEOUT must be at least CELERY_TASK_TIME_LIMIT + CELERY_MAX_COUNTDOWN"
    )
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # Look for abandoned messages every interval (kombu scans only every 10th by default,
    # which would add up to 100 s to the recovery of a killed worker's tasks).
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": 1,
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A queue per workload, so a long import never delays a digest or a webhook: run workers per
# queue (`celery -A tracker worker -Q imports`; docs/operations.md). A worker given no -Q
# serves them all, as in development.
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = {name: {} for name in ("default", "imports", "extraction", "notifications")}
CELERY_TASK_ROUTES = {
    "statements.tasks.import_source": {"queue": "imports"},
    "statements.tasks.import_due_sources": {"queue": "imports"},
    "statements.tasks.reprocess_statement": {"queue": "extraction"},
    "statements.tasks.extract_statement": {"queue": "extraction"},
    "statements.tasks.extract_statements": {"queue": "extraction"},
    "opportunities.tasks.propose_suggestions": {"queue": "extraction"},
    "opportunities.tasks.match_watches": {"queue": "extraction"},
    "opportunities.tasks.deliver_webhook": {"queue": "notifications"},
    "opportunities.tasks.send_daily_digests": {"queue": "notifications"},
    "opportunities.tasks.emit_overdue_webhooks": {"queue": "notifications"},
    "opportunities.tasks.requeue_stalled_webhooks": {"queue": "notifications"},
    "opportunities.tasks.run_upload_job": {"queue": "imports"},
    "opportunities.tasks.requeue_stalled_upload_jobs": {"queue": "imports"},
    "opportunities.tasks.prune_upload_jobs": {"queue": "notifications"},
    # Housekeeping, a few seconds a night: beside the webhook sweeper.
    "tracker.tasks.prune_sheet_logs": {"queue": "notifications"},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# When the broker goes away, a running task carries on (every task is idempotent); its ack is
# lost, so the message comes back after the visibility timeout and finds its work done.
# Said explicitly because Celery 6 changes the default.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False

# django-import-export: admin exports go through our own formula-safe resource.
IMPORT_EXPORT_SKIP_ADMIN_LOG = False

# REST API (tracker/api.py): staff only, session or token, filtered, paginated, OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.authentication.TokenAuthentication",
        "tracker.authentication.QueryKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lib.api.permissions.StaffModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "lib.api.pagination.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "lib.api.pagination.PageNumberPagination",
    # JSON bodies only; the bulk upload takes multipart files on its own route.
    "DEFAULT_PARSER_CLASSES": ["lib.api.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "lib.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "lib.api.renderers.FastJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "lib.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
API_PAGE_SIZE = env.int("API_PAGE_SIZE", default=50)
API_MAX_PAGE_SIZE = env.int("API_MAX_PAGE_SIZE", default=1000)
SPECTACULAR_SETTINGS = {
    "TITLE": "Defence-partnership tracker API",
    "DESCRIPTION": "Partners, statements and opportunities for spreadsheets and integrations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and the docs page only for those who may use the API (session or token).
    "SERVE_PERMISSIONS": ["lib.api.permissions.IsActiveStaff"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "lib.api.schema.add_record_links",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OpportunityStageEnum": "opportunities.models.Opportunity.Stage",
        "FollowUpStatusEnum": "opportunities.models.FollowUp.Status",
        "SuggestionStatusEnum": "opportunities.models.Suggestion.Status",
        "PolicyOpeningStatusEnum": "partners.models.PolicyOpening.Status",
        "ImportRunStatusEnum": "statements.models.ImportRun.Status",
    },
}

# /health/ (tracker/health.py): seconds to wait for the broker; how long beat may go without
# running a schedule (the shortest runs every 5 minutes, stamped every 3) before it is failing.
HEALTH_TIMEOUT = env.float("HEALTH_TIMEOUT", default=3.0)
HEALTH_BEAT_MAX_AGE = env.int("HEALTH_BEAT_MAX_AGE", default=900)

# LOG_FORMAT=json: one JSON object a line (lib/logs.py) for log collectors; "text" by default.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "lib.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
# The worker keeps these handlers instead of putting its own on the root logger, so its logs
# are JSON too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
