from __future__ import annotations

from django.contrib import admin
from django.urls import include, path, re_path

from opportunities.reminders.views import calendar_feed

from .health import health

admin.site.site_header = "Defence-partnership tracker"
admin.site.site_title = "Partnership tracker"
admin.site.index_title = "Partners, statements and opportunities"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Only the key's own alphabet reaches the view: no NUL bytes or odd text hit the database.
    re_path(r"^calendar/(?P<key>[A-Za-z0-9_-]{20,64})\.ics$", calendar_feed, name="calendar-feed"),
    path("api/", include("tracker.api")),
    path("health/", health, name="health"),
    path("", include("tracker.dashboards.urls")),
]

handler400 = "tracker.api.bad_request"
handler403 = "tracker.api.permission_denied"
handler404 = "tracker.api.not_found"
handler500 = "tracker.api.server_error"
