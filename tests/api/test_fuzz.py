"""Bad input never yields a 5xx: schemathesis derives requests from the OpenAPI document, for
every operation, and sends them to the app through WSGI with the token of the demo city's
auditor (who may read everything and change nothing, so that valid writes are refused by the
actions' guards rather than piling up). Each answer must be no server error, JSON where the
document says JSON, and shaped as the document declares for its status.

Bounded so that the run stays within a few minutes on SQLite:

- every operation: the examples of the document and 5 random requests (``max-examples``);
- the coverage phase (boundary and wrong-type values of each parameter and body field, an
  unknown method, a missing token): fully for reads; for writes only its negative half (their
  positive half passes the guards' refusals over and over); not at all for ``/api/actions/…``,
  whose bodies are the same contracts as the routers' endpoints (checked there).
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from govit.api import api

pytestmark = pytest.mark.usefixtures("connection_kept_across_requests")

CONFIG = """
seed = 16
[generation]
max-examples = 5
deterministic = true  # the same requests on every run: a failure is the code's, not the dice's
database = "none"  # no .hypothesis/ folder in the working tree
[[operations]]
include-method-regex = "(?i)^(post|put|patch|delete)$"
phases.coverage.generation.mode = "negative"
[[operations]]
include-path-regex = "^/api/actions/"
phases.coverage.enabled = false
"""
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]

schema = schemathesis.openapi.from_dict(
    api.get_openapi_schema(), config=SchemathesisConfig.from_str(CONFIG)
)
schema.app = get_wsgi_application()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case, auditor_token, db):
    case.call_and_validate(headers={"Authorization": f"Bearer {auditor_token}"}, checks=CHECKS)
