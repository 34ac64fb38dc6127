"""The published OpenAPI schema, fuzzed with schemathesis against a real uvicorn server: no
generated request may produce a 5xx, and every response must conform to the schema (status codes
documented, bodies matching).  Bounded for CI (max_examples per operation below); the long run is
in docs/service.md."""
from __future__ import annotations

import pytest

from test_service_support import ServerThread

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,  # noqa: E402
                                               status_code_conformance)

MAX_EXAMPLES = 20


@pytest.fixture(scope="module")
def fuzz_server():
    from valuepix_core.adapters.http import ServiceConfig, create_app

    cfg = ServiceConfig(catalog=":memory:", dictation=False, max_body_bytes=2 * 1024 * 1024)
    with ServerThread(create_app(cfg)) as srv:
        yield srv


@pytest.fixture(scope="module")
def api_schema(fuzz_server):
    return schemathesis.openapi.from_url(fuzz_server.url + "/openapi.json")


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_fuzz_no_server_error(case, fuzz_server):
    response = case.call(timeout=60)
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance,
                                             content_type_conformance, response_schema_conformance])


def test_server_survived_fuzzing(fuzz_server):
    import httpx

    assert fuzz_server.alive
    assert httpx.get(fuzz_server.url + "/readyz").json()["ready"] is True
    assert 'status="5' not in httpx.get(fuzz_server.url + "/metrics").text
