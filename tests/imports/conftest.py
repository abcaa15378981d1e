from tests.statements.httpserver import http_server  # noqa: F401 - a fixture
