from tests.statements.httpserver import http_server  # noqa: F401 - a fixture
from tests.workers import private_redis  # noqa: F401 - a fixture
