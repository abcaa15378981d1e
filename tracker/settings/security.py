"""Logins, lockouts, wrong-key limits, HTTPS and the Content-Security-Policy."""

from __future__ import annotations

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from tracker.settings.environment import DEBUG, TESTING, env

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

# The failure counters live in the cache (CACHES, in features.py): in production CACHE_URL
# points at Redis so every gunicorn worker shares the counts.

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

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
