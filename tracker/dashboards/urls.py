from __future__ import annotations

from django.urls import path, re_path

from . import board_views, names, opportunity_page, pages, saved_views, search, views, watching

app_name = "dashboards"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("dashboards/opportunities/", views.opportunity_list, name="opportunities"),
    path("dashboards/follow-ups/", views.follow_up_list, name="follow_ups"),
    path("dashboards/board/", board_views.board, name="board"),
    path("dashboards/board/<int:pk>/move/", board_views.board_move, name="board_move"),
    path(
        "dashboards/opportunities/<int:pk>/",
        opportunity_page.opportunity_detail,
        name="opportunity",
    ),
    path(
        "dashboards/opportunities/<int:pk>/notes/",
        opportunity_page.opportunity_note,
        name="opportunity_note",
    ),
    path(
        "dashboards/follow-ups/<int:pk>/done/",
        opportunity_page.follow_up_done,
        name="follow_up_done",
    ),
    path("dashboards/views/", saved_views.saved_view_create, name="saved_view_create"),
    path(
        "dashboards/views/<int:pk>/delete/",
        saved_views.saved_view_delete,
        name="saved_view_delete",
    ),
    path("dashboards/statements/", search.statement_search, name="statement_search"),
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
    path("dashboards/watching/", watching.watching, name="watching"),
    path("dashboards/watching/<int:pk>/delete/", watching.watch_delete, name="watch_delete"),
]
