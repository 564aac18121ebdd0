"""The one family of domain errors. Services raise them; edges translate them.

A view shows `message` on the page (HTTP 4xx); a consumer sends
{"type": "error", "code": code, "message": message, "ref": <client message id>}.
"""


class LabError(Exception):
    http_status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field

    def as_frame(self, ref: str | None = None) -> dict:
        frame = {"type": "error", "code": self.code, "message": self.message, "ref": ref}
        if self.field:
            frame["field"] = self.field
        return frame


class NotFound(LabError):
    http_status = 404


class Forbidden(LabError):
    http_status = 403


class TooManyTries(LabError):
    http_status = 429


class Unavailable(LabError):
    """Something the lab relies on outside itself did not answer (e.g. the single sign-on provider)."""
    http_status = 503
