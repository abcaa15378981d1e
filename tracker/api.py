"""The one router for the whole REST API, its OpenAPI schema and its docs page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from opportunities.api import (
    FollowUpViewSet,
    NoteViewSet,
    OpportunityViewSet,
    SuggestionViewSet,
    TeamViewSet,
)
from partners.api import (
    ContactViewSet,
    CountryViewSet,
    FirmViewSet,
    InvestmentAreaViewSet,
    PolicyOpeningViewSet,
)
from statements.api import ImportRunViewSet, MentionViewSet, SourceViewSet, StatementViewSet

router = DefaultRouter()
router.register("countries", CountryViewSet, basename="country")
router.register("areas", InvestmentAreaViewSet, basename="area")
router.register("firms", FirmViewSet, basename="firm")
router.register("contacts", ContactViewSet, basename="contact")
router.register("policy-openings", PolicyOpeningViewSet, basename="policyopening")
router.register("sources", SourceViewSet, basename="source")
router.register("statements", StatementViewSet, basename="statement")
router.register("mentions", MentionViewSet, basename="mention")
router.register("import-runs", ImportRunViewSet, basename="importrun")
router.register("teams", TeamViewSet, basename="team")
router.register("opportunities", OpportunityViewSet, basename="opportunity")
router.register("follow-ups", FollowUpViewSet, basename="followup")
router.register("notes", NoteViewSet, basename="note")
router.register("suggestions", SuggestionViewSet, basename="suggestion")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 under /api/ (e.g. `/api/firms/x.y/`, which no route matches) is JSON too."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)
