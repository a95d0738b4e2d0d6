"""``requests.sessions.Session``, sending through the running evaluation's transport."""

import base64
import json
from urllib.parse import urlencode, urlsplit, urlunsplit

from requests.exceptions import (
    InvalidSchema,
    InvalidURL,
    MissingSchema,
    NoRecordedResponse,
    RequestException,
)
from requests.models import PreparedRequest, Response
from requests.structures import CaseInsensitiveDict
from stagecraft_sim import state

DEFAULT_USER_AGENT = "python-requests/2.32.3"


def default_headers():
    """Return the headers requests sends by default."""
    return CaseInsensitiveDict(
        {
            "User-Agent": DEFAULT_USER_AGENT,
            "Accept-Encoding": "gzip, deflate",
            "Accept": "*/*",
            "Connection": "keep-alive",
        }
    )


class Session:
    """A requests Session whose calls go to the evaluation's transport."""

    def __init__(self):
        self.headers = default_headers()
        self.auth = None
        self.params = {}
        self.cookies = {}
        self.verify = True
        self.proxies = {}

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    def close(self):
        """Close the session (nothing to close here)."""

    def mount(self, prefix, adapter):
        """Accept an adapter; the simulation does not use it."""

    def request(
        self,
        method,
        url,
        params=None,
        data=None,
        headers=None,
        cookies=None,
        files=None,
        auth=None,
        timeout=None,
        allow_redirects=True,
        proxies=None,
        hooks=None,
        stream=None,
        verify=None,
        cert=None,
        json=None,
    ):
        """Send a request and return the Response."""
        method = str(method).upper()
        full_url = _build_url(url, {**self.params, **(params or {})})
        merged = CaseInsensitiveDict(self.headers)
        for key, value in (headers or {}).items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value

        body = _body(data, json, merged)
        _apply_auth(auth or self.auth, merged)
        prepared = PreparedRequest(method, full_url, dict(merged.items()), body)
        return _send(prepared)

    def get(self, url, **kwargs):
        """Send a GET request."""
        return self.request("GET", url, **kwargs)

    def options(self, url, **kwargs):
        """Send an OPTIONS request."""
        return self.request("OPTIONS", url, **kwargs)

    def head(self, url, **kwargs):
        """Send a HEAD request."""
        kwargs.setdefault("allow_redirects", False)
        return self.request("HEAD", url, **kwargs)

    def post(self, url, data=None, json=None, **kwargs):
        """Send a POST request."""
        return self.request("POST", url, data=data, json=json, **kwargs)

    def put(self, url, data=None, **kwargs):
        """Send a PUT request."""
        return self.request("PUT", url, data=data, **kwargs)

    def patch(self, url, data=None, **kwargs):
        """Send a PATCH request."""
        return self.request("PATCH", url, data=data, **kwargs)

    def delete(self, url, **kwargs):
        """Send a DELETE request."""
        return self.request("DELETE", url, **kwargs)


def _build_url(url, params):
    text = str(url)
    parts = urlsplit(text)
    if not parts.scheme:
        raise MissingSchema(
            f"Invalid URL '{text}': No scheme supplied. Perhaps you meant https://{text}?"
        )

    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidSchema(f"No connection adapters were found for '{text}'")

    if not parts.netloc:
        raise InvalidURL(f"Invalid URL '{text}': No host supplied")

    query = parts.query
    if params:
        extra = urlencode(
            [(key, value) for key, value in params.items() if value is not None], doseq=True
        )
        query = f"{query}&{extra}" if query and extra else query or extra

    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, parts.fragment))


def _body(data, json_value, headers):
    if json_value is not None and not data:
        headers.setdefault("Content-Type", "application/json")
        return json.dumps(json_value, allow_nan=False)

    if isinstance(data, dict) or isinstance(data, (list, tuple)):
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        return urlencode(data, doseq=True)

    if isinstance(data, bytes):
        return data.decode("utf-8", errors="replace")

    return None if data is None else str(data)


def _apply_auth(auth, headers):
    if auth is None:
        return

    if isinstance(auth, tuple) and len(auth) == 2:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("utf-8")).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
        return

    if callable(auth):
        auth(PreparedRequest("", "", headers, None))


def _exchange(prepared, response):
    return {
        "method": prepared.method,
        "url": prepared.url,
        "requestHeaders": dict(prepared.headers.items()),
        "requestBody": prepared.body,
        "matched": response is not None,
        "status": None if response is None else response["status"],
        "responseBody": None if response is None else response["body"].decode("utf-8", "replace"),
    }


def _send(prepared):
    evaluation = state.current()
    try:
        response = evaluation.transport.send(
            prepared.method, prepared.url, prepared.headers, prepared.body
        )
    except RequestException as exc:
        # A transport that reaches the HTTP layer raises its failures; they are recorded too.
        evaluation.recorder.http.append(_exchange(prepared, None))
        exc.request = prepared
        raise

    evaluation.recorder.http.append(_exchange(prepared, response))
    if response is None:
        raise NoRecordedResponse(
            f"No recorded response for {prepared.method} {prepared.url}. The simulation makes no "
            f"network calls, so add a response for this method and URL to the request's "
            f"http.responses.",
            request=prepared,
        )

    return Response(
        prepared, response["status"], response["reason"], response["headers"], response["body"]
    )
