"""The tracker's own settings: home country and reporting currency, statement fetching, the
shared cache, reminders, webhooks, audit retention and bulk-upload jobs."""

from __future__ import annotations

import re

from django.core.exceptions import ImproperlyConfigured

from tracker.settings.environment import BASE_DIR, TESTING, env

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
# finished, by a nightly beat job; the export and upload log keeps its entry.
UPLOAD_JOB_RETENTION_DAYS = env.int("UPLOAD_JOB_RETENTION_DAYS", default=30)
if UPLOAD_JOB_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("UPLOAD_JOB_RETENTION_DAYS must be at least 1 (days)")
