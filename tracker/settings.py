"""Settings for the tracker, read from the environment (docs/configuration.md lists every variable).

The embedded default is SQLite in the project folder and Celery tasks run in-process (DEBUG on,
or TRACKER_EMBEDDED=1). Production sets DEBUG off, SECRET_KEY, DATABASE_URL, CELERY_BROKER_URL
and ALLOWED_HOSTS, and refuses to start without the database or the broker.
"""

from __future__ import annotations

from pathlib import Path

import environ
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

AUTHENTICATION_BACKENDS = ["tracker.backends.ModelBackend"]

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

# The organisation running the tracker; countries named beside it are partners.
TRACKER_HOME_COUNTRY = env.str("TRACKER_HOME_COUNTRY", default="IN").upper()

# Statement fetching: every request goes through lib/http with these limits.
STATEMENTS_FETCH_TIMEOUT = env.float("STATEMENTS_FETCH_TIMEOUT", default=15.0)
STATEMENTS_FETCH_MAX_BYTES = env.int("STATEMENTS_FETCH_MAX_BYTES", default=10 * 1024 * 1024)
# PDFs from folders are not capped by a fetch; both caps bound what PDFium is handed.
STATEMENTS_PDF_MAX_BYTES = env.int("STATEMENTS_PDF_MAX_BYTES", default=20 * 1024 * 1024)
STATEMENTS_PDF_MAX_PAGES = env.int("STATEMENTS_PDF_MAX_PAGES", default=300)
# Hosts (names or IPs) allowed even though they resolve to private or loopback addresses.
STATEMENTS_FETCH_ALLOWED_HOSTS = env.list("STATEMENTS_FETCH_ALLOWED_HOSTS", default=[])
# Directories folder sources may read (resolved; nothing outside them, by `..` or symlink).
STATEMENTS_FOLDER_ROOTS = env.list(
    "STATEMENTS_FOLDER_ROOTS", default=[str(BASE_DIR / "statements" / "samples")]
)
STATEMENTS_USER_AGENT = env.str(
    "STATEMENTS_USER_AGENT", default="PartnershipTracker/1.0 (+statement importer)"
)

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
    "opportunities.tasks.deliver_webhook": {"queue": "notifications"},
    "opportunities.tasks.send_daily_digests": {"queue": "notifications"},
    "opportunities.tasks.emit_overdue_webhooks": {"queue": "notifications"},
    "opportunities.tasks.requeue_stalled_webhooks": {"queue": "notifications"},
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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
