"""What can go wrong with a request, each with the HTTP status it answers with.

Workers raise these in their own process; the pool sends the class name and the
message back and raises the same class here (see :mod:`diplograph.web.pool`).
"""

from __future__ import annotations


class WebError(Exception):
    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MalformedQuery(WebError):
    """The query does not parse: the parser's message is the answer."""
    status = 400


class BadRequest(WebError):
    status = 400


class Refused(WebError):
    """Something this read-only endpoint will not do: an update, a SERVICE call outside."""
    status = 403


class NotFound(WebError):
    status = 404


class NotAcceptable(WebError):
    status = 406


class TooLarge(WebError):
    status = 413


class TimeLimit(WebError):
    """The query ran past the time limit and its worker was stopped."""
    status = 503


class Busy(WebError):
    """Every worker stayed busy for longer than the time limit."""
    status = 503


class StoreFailure(WebError):
    """The store (a remote SPARQL server) failed or answered wrongly."""
    status = 502


class ServerError(WebError):
    status = 500


KINDS = {cls.__name__: cls for cls in (WebError, MalformedQuery, BadRequest, Refused, NotFound, NotAcceptable,
                                       TooLarge, TimeLimit, Busy, StoreFailure, ServerError)}
