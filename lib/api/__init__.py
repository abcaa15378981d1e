"""What every app's `api.py` builds on: viewsets, serializers, id-or-key fields, filters,
pagination, permissions, errors and the OpenAPI schema."""
