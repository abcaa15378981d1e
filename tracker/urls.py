from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Defence-partnership tracker"
admin.site.site_title = "Partnership tracker"
admin.site.index_title = "Partners, statements and opportunities"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("tracker.dashboards.urls")),
]
