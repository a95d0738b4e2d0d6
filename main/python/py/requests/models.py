"""``requests.models``: PreparedRequest and Response."""

import json
from datetime import timedelta

from requests.exceptions import HTTPError, JSONDecodeError
from requests.structures import CaseInsensitiveDict


class PreparedRequest:
    """The request as it was sent."""

    def __init__(self, method, url, headers, body):
        self.method = method
        self.url = url
        self.headers = CaseInsensitiveDict(headers)
        self.body = body

    def __repr__(self):
        return f"<PreparedRequest [{self.method}]>"


class Response:
    """An HTTP response."""

    def __init__(self, request, status, reason, headers, body):
        self.request = request
        self.url = request.url
        self.status_code = status
        self.reason = reason
        self.headers = CaseInsensitiveDict(headers)
        self._content = body
        self.encoding = "utf-8"
        self.history = []
        self.cookies = {}
        self.elapsed = timedelta(0)

    def __repr__(self):
        return f"<Response [{self.status_code}]>"

    def __bool__(self):
        return self.ok

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()

    @property
    def ok(self):
        """False for 4xx and 5xx statuses."""
        try:
            self.raise_for_status()
        except HTTPError:
            return False

        return True

    @property
    def content(self):
        """The body as bytes."""
        return self._content

    @property
    def text(self):
        """The body decoded as text."""
        return self._content.decode(self.encoding or "utf-8", errors="replace")

    @property
    def apparent_encoding(self):
        """The body's encoding (always utf-8 here)."""
        return "utf-8"

    @property
    def links(self):
        """Parsed Link headers (none here)."""
        return {}

    def json(self, **kwargs):
        """Parse the body as JSON; raises requests.exceptions.JSONDecodeError when it is not."""
        try:
            return json.loads(self.text, **kwargs)
        except json.JSONDecodeError as exc:
            raise JSONDecodeError(exc.msg, exc.doc, exc.pos) from exc

    def iter_content(self, chunk_size=1, decode_unicode=False):
        """Yield the body in chunks."""
        data = self.text if decode_unicode else self._content
        size = chunk_size or len(data) or 1
        for start in range(0, len(data), size):
            yield data[start : start + size]

    def iter_lines(self, chunk_size=512, decode_unicode=False, delimiter=None):
        """Yield the body line by line."""
        data = self.text if decode_unicode else self._content
        yield from (data.split(delimiter) if delimiter else data.splitlines())

    def raise_for_status(self):
        """Raise HTTPError for 4xx and 5xx statuses, with requests' message."""
        reason = self.reason
        if 400 <= self.status_code < 500:
            message = f"{self.status_code} Client Error: {reason} for url: {self.url}"
        elif 500 <= self.status_code < 600:
            message = f"{self.status_code} Server Error: {reason} for url: {self.url}"
        else:
            return

        raise HTTPError(message, response=self)

    def close(self):
        """Release the connection (nothing to release here)."""
