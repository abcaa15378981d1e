"""The REST API: Django REST framework, page sizes and the OpenAPI schema."""

from __future__ import annotations

from tracker.settings.environment import env

# REST API (tracker/api.py): staff only, session or token, filtered, paginated, OpenAPI 3.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tracker.authentication.TokenAuthentication",
        "tracker.authentication.QueryKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["lib.api.permissions.StaffModelPermissions"],
    "DEFAULT_FILTER_BACKENDS": [
        "lib.api.filters.FilterBackend",
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
    # The schema and the docs page only for those who may use the API (session or token).
    "SERVE_PERMISSIONS": ["lib.api.permissions.IsActiveStaff"],
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
