"""A transport that sends ``requests`` calls through the pool's HTTP layer.

The worker installs a bridge function at start-up. Calling it posts the request to the Node
side and blocks until the HTTP layer responds (live, record or replay, as the layer is set up),
so ``requests.get(...)`` stays synchronous for the expression. The reply is JSON:
``{"ok": true, "status", "reason", "headers", "bodyBase64"}`` or
``{"ok": false, "code", "message"}``; a failure is raised as the ``requests`` exception that
matches its code.
"""

import base64
import json

from requests.exceptions import (
    ConnectionError,
    ConnectTimeout,
    InvalidURL,
    NoRecordedResponse,
    ReadTimeout,
)

_bridge = None


def install(bridge):
    """Set the function that sends one request (JSON text) and returns the reply (JSON text)."""
    global _bridge
    _bridge = bridge


class LayerTransport:
    """Sends each request through the HTTP layer and returns its response."""

    def send(self, method, url, headers, body):
        """Return the layer's response as a dict, or raise a ``requests`` exception."""
        if _bridge is None:
            raise ConnectionError(
                "The HTTP bridge of this Python worker is not installed, so requests cannot "
                "reach the HTTP layer."
            )

        request = {"method": method, "url": url, "headers": dict(headers), "body": body}
        reply = json.loads(_bridge(json.dumps(request)))
        if not reply.get("ok"):
            raise _exception(reply)

        return {
            "status": int(reply["status"]),
            "reason": reply.get("reason") or "",
            "headers": dict(reply.get("headers") or {}),
            "body": base64.b64decode(reply.get("bodyBase64") or ""),
        }


def _exception(reply):
    code = reply.get("code") or "internal"
    message = f"{reply.get('message') or 'The HTTP layer failed.'} [{code}]"
    if code == "http-timeout":
        phase = (reply.get("data") or {}).get("phase")
        return (
            ConnectTimeout(message) if phase == "UND_ERR_CONNECT_TIMEOUT" else ReadTimeout(message)
        )
    if code == "http-no-match":
        return NoRecordedResponse(message)
    if code == "http-invalid-request":
        return InvalidURL(message)

    return ConnectionError(message)
