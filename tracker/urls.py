from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Defence-partnership tracker"
admin.site.site_title = "Partnership tracker"
admin.site.index_title = "Partners, statements and opportunities"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/", include("tracker.api")),
]

handler404 = "tracker.api.not_found"
