"""A request that needs Redis while it is away is answered 503 in words with Retry-After (classroom/redis_outage.py);
the real outage, on real processes, is tests/faults/test_redis_restart.py."""
import json

import pytest
from django.test import RequestFactory
from redis.exceptions import ConnectionError as RedisConnectionError

from classroom.redis_outage import RedisOutageMiddleware

middleware = RedisOutageMiddleware(lambda request: None)


def test_json_callers_get_a_503_error_in_the_usual_shape():
    request = RequestFactory().get("/projector/K7PQ2M/state.json")
    response = middleware.process_exception(request, RedisConnectionError("Error 111 connecting"))
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert json.loads(response.content)["error"]["code"] == "service_unavailable"


@pytest.mark.django_db
def test_pages_get_a_503_page_in_words():
    request = RequestFactory().get("/join/K7PQ2M/")
    response = middleware.process_exception(request, RedisConnectionError("Error 111 connecting"))
    assert response.status_code == 503 and b"try again in a few seconds" in response.content


def test_other_errors_are_left_alone():
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("a bug")) is None
