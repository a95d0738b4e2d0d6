"""The replay transport of ``requests``: the responses given with the evaluation request.

A transport has one method, ``send(method, url, headers, body)``, that returns a dict with
``status``, ``reason``, ``headers`` and ``body`` (bytes), or None when it has no response. It
may also raise a ``requests`` exception. ``transport_layer.LayerTransport`` is the other
transport: it blocks while the Node side's HTTP layer performs the call.
"""

import json
from http import HTTPStatus
from urllib.parse import parse_qsl, urlsplit


def normalize_url(url):
    """Return a comparable form of ``url``: lower-case scheme and host, sorted query."""
    parts = urlsplit(url)
    query = tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query)


class ReplayTransport:
    """Returns recorded responses, matched by method and URL.

    Several recordings for the same method and URL are returned in order, and the last repeats.
    """

    def __init__(self, responses):
        self._responses = {}
        for response in responses or []:
            key = (str(response.get("method", "GET")).upper(), normalize_url(response["url"]))
            self._responses.setdefault(key, []).append(response)

        self._used = {}

    def send(self, method, url, headers, body):
        """Return the recorded response for ``method`` and ``url``, or None when there is none."""
        key = (method.upper(), normalize_url(url))
        recordings = self._responses.get(key)
        if not recordings:
            return None

        index = self._used.get(key, 0)
        self._used[key] = index + 1
        return _response(recordings[min(index, len(recordings) - 1)])


def _response(recording):
    status = int(recording.get("status", 200))
    headers = dict(recording.get("headers") or {})
    if "json" in recording:
        body = json.dumps(recording["json"]).encode("utf-8")
        if not any(key.lower() == "content-type" for key in headers):
            headers["Content-Type"] = "application/json"
    else:
        body = str(recording.get("body") or "").encode("utf-8")

    reason = recording.get("reason")
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = ""

    return {"status": status, "reason": reason, "headers": headers, "body": body}
