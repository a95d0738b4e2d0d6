"""Shim of the ``requests`` package for the Stagecraft sandbox.

It keeps requests' public API (functions, Session, Response, exceptions). Every call goes to
the evaluation's transport, which returns recorded exchanges and never uses the network.
"""

from requests import exceptions
from requests.api import delete, get, head, options, patch, post, put, request
from requests.exceptions import (
    ConnectionError,
    ConnectTimeout,
    HTTPError,
    JSONDecodeError,
    ReadTimeout,
    RequestException,
    Timeout,
    TooManyRedirects,
    URLRequired,
)
from requests.models import PreparedRequest, Response
from requests.sessions import Session
from requests.structures import CaseInsensitiveDict

__version__ = "2.32.3"


def session():
    """Return a new Session."""
    return Session()


class _Codes(dict):
    """``requests.codes``: status names as attributes (``codes.ok == 200``)."""

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


codes = _Codes(
    ok=200,
    created=201,
    accepted=202,
    no_content=204,
    moved_permanently=301,
    found=302,
    not_modified=304,
    bad_request=400,
    unauthorized=401,
    forbidden=403,
    not_found=404,
    conflict=409,
    too_many_requests=429,
    internal_server_error=500,
    bad_gateway=502,
    service_unavailable=503,
)

__all__ = [
    "CaseInsensitiveDict",
    "ConnectTimeout",
    "ConnectionError",
    "HTTPError",
    "JSONDecodeError",
    "PreparedRequest",
    "ReadTimeout",
    "RequestException",
    "Response",
    "Session",
    "Timeout",
    "TooManyRedirects",
    "URLRequired",
    "codes",
    "delete",
    "exceptions",
    "get",
    "head",
    "options",
    "patch",
    "post",
    "put",
    "request",
    "session",
]
