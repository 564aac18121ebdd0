"""A request that needs Redis while it is away (services mode: the join and rejoin limits live in its cache) is
answered 503 in words with Retry-After, not a bare 500 page: it fails at once (a refused connection) and works
again as soon as Redis is back, without restarting anything (tests/faults/test_redis_restart.py).
"""
import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from classroom.errors import LabError
from classroom.text_input import _wants_json

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
MESSAGE = gettext_lazy("The lab's server is reconnecting to its message service: please try again in a few seconds.")


class RedisOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (RedisConnectionError, RedisTimeoutError)):
            return None
        log.warning("%s %s: Redis is unavailable (%s); answered 503", request.method, request.path,
                    str(exception)[:120])
        error = LabError("service_unavailable", str(MESSAGE))
        if _wants_json(request) or request.path.endswith(".json"):
            body = {"code": error.code, "message": error.message, "field": None}
            response = JsonResponse({"error": body, **body}, status=503)
        else:
            response = render(request, "frontend/error.html", {"error": error}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
