"""The one router for the whole REST API, its OpenAPI schema and its docs page."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import include, path
from django.views import defaults
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import exceptions
from rest_framework.routers import DefaultRouter

from lib.api.renderers import FastJSONRenderer
from opportunities.api import (
    FollowUpViewSet,
    NoteViewSet,
    OpportunityViewSet,
    SuggestionViewSet,
    TeamViewSet,
    UploadJobViewSet,
)
from partners.api import (
    ContactViewSet,
    CountryViewSet,
    FirmViewSet,
    InvestmentAreaViewSet,
)
from partners.api_policy import PolicyOpeningViewSet
from statements.api import ImportRunViewSet, MentionViewSet, SourceViewSet
from statements.api_statements import StatementViewSet

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
router.register("upload-jobs", UploadJobViewSet, basename="uploadjob")


class _JsonErrors:
    """The schema and docs views render with YAML or HTML; their errors are JSON, as every
    /api/ answer is. Who may see them: SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]."""

    def handle_exception(self, exc):
        self.request.accepted_renderer = FastJSONRenderer()
        self.request.accepted_media_type = FastJSONRenderer.media_type
        return super().handle_exception(exc)


class SchemaView(_JsonErrors, SpectacularAPIView):
    pass


class DocsView(_JsonErrors, SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served from this URL (`?script=`), not inline, so
    it runs under the Content-Security-Policy. A browser not signed in goes to the login."""

    template_name = "api/swagger_ui.html"  # its <style> carries the CSP nonce

    def handle_exception(self, exc):
        if isinstance(exc, exceptions.NotAuthenticated):
            return redirect_to_login(self.request.get_full_path())
        return super().handle_exception(exc)


urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A 404 under /api/ (e.g. `/api/firms/x.y/`, which no route matches) is JSON too."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields, a bad
    Host) reach no view; under /api/ they are JSON too, and a body too big is a 413."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return JsonResponse({"detail": f"The request body is over {limit} bytes."}, status=413)
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Permission denied."}, status=403)
    return defaults.permission_denied(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error."}, status=500)
    return defaults.server_error(request)
