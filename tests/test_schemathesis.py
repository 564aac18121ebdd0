"""Property-based API tests: schemathesis generates requests from the schema the app serves and checks the answers.

The schema is loaded from the running ASGI app (config.asgi, as daphne serves it) with an HR user's token, over a
database holding a played session. Every documented operation is called with generated parameters, valid ones
(positive) and ones that break the schema (negative), and each answer must not be a 5xx, must have a documented
status code and content type, and a JSON body that matches its documented schema; the same valid request without
the token must be a documented 401. Examples per operation and mode are capped (MAX_EXAMPLES) to keep the run
under a minute.

The operations are walked here rather than with `schema.parametrize()`, whose pytest integration does not run
under pytest 9 yet; each operation is still its own Hypothesis test, and every failure is reported at the end.
"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)

from tests import factories
from tests.played import play_two_months

pytestmark = pytest.mark.django_db(transaction=True)
MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def hr_token(facilitator):
    """A played session (three teams, two closed months, chat) and a lobby of another facilitator's."""
    session = factories.make_session(facilitator, rounds_count=3)
    play_two_months(session, facilitator)
    factories.join_many(factories.make_session(factories.make_facilitator()), 3, prefix="Guest")
    return Token.objects.create(user=factories.make_hr_only()).key


def _run(operation, mode: GenerationMode, headers: dict) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, checks=CHECKS)
        if mode == GenerationMode.POSITIVE:  # the same request without the token: a documented 401
            anonymous = case.call()
            assert anonymous.status_code == 401, (case.formatted_path, anonymous.status_code)
            case.validate_response(anonymous, checks=CHECKS)

    check()


def test_every_operation_answers_as_documented(hr_token):
    from config.asgi import application

    headers = {"Authorization": f"Token {hr_token}"}
    schema = schemathesis.openapi.from_asgi("/api/schema/?format=json", application, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8  # reports (one per kind), ledger, sessions list, detail and results
    failures = []
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _run(operation, mode, headers)
            except Unsatisfiable:  # the schema admits every value (a free string): there is no invalid request
                assert mode == GenerationMode.NEGATIVE, operation.label
            except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; all failures are shown together
                failures.append(f"{operation.label} ({mode.value}): {type(exc).__name__}: {exc}"[:3000])
    assert not failures, "\n\n".join(failures)
