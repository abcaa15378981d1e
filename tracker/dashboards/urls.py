from __future__ import annotations

from django.urls import path, re_path

from . import names, pages, views

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboards/opportunities/", views.opportunity_list, name="opportunities"),
    path("dashboards/follow-ups/", views.follow_up_list, name="follow_ups"),
    path("dashboards/statements/<int:pk>/", pages.statement_detail, name="statement"),
    path(
        "dashboards/name-candidates/<int:pk>/decide/",
        names.name_candidate_decide,
        name="name_candidate_decide",
    ),
    re_path(r"^dashboards/countries/(?P<code>[A-Za-z]{2})/$", pages.country_detail, name="country"),
    re_path(
        r"^dashboards/partnerships/(?P<first>[A-Za-z]{2})-(?P<second>[A-Za-z]{2})/$",
        pages.partnership_detail,
        name="partnership",
    ),
    path("dashboards/firms/<int:pk>/", pages.firm_detail, name="firm"),
    path("dashboards/areas/<slug:slug>/", pages.area_detail, name="area"),
]
