"""``requests.exceptions`` with the class hierarchy of requests 2.32."""

import json


class RequestException(IOError):
    """An error while handling a request."""

    def __init__(self, *args, **kwargs):
        response = kwargs.pop("response", None)
        self.response = response
        self.request = kwargs.pop("request", None)
        if response is not None and not self.request and hasattr(response, "request"):
            self.request = response.request
        super().__init__(*args, **kwargs)


class InvalidJSONError(RequestException):
    """A JSON error occurred."""


class JSONDecodeError(InvalidJSONError, json.JSONDecodeError):
    """The response body is not valid JSON."""

    def __init__(self, *args, **kwargs):
        json.JSONDecodeError.__init__(self, *args)
        InvalidJSONError.__init__(self, *self.args, **kwargs)


class HTTPError(RequestException):
    """The server returned an error status."""


class ConnectionError(RequestException):  # noqa: A001 - the name requests uses
    """The connection failed."""


class ProxyError(ConnectionError):
    """A proxy error occurred."""


class SSLError(ConnectionError):
    """An SSL error occurred."""


class Timeout(RequestException):
    """The request timed out."""


class ConnectTimeout(ConnectionError, Timeout):
    """The connection timed out."""


class ReadTimeout(Timeout):
    """The server did not send data in time."""


class URLRequired(RequestException):
    """A valid URL is required."""


class TooManyRedirects(RequestException):
    """Too many redirects."""


class MissingSchema(RequestException, ValueError):
    """The URL has no scheme."""


class InvalidSchema(RequestException, ValueError):
    """The URL scheme is not http or https."""


class InvalidURL(RequestException, ValueError):
    """The URL is not valid."""


class InvalidHeader(RequestException, ValueError):
    """A header value is not valid."""


class ChunkedEncodingError(RequestException):
    """The server declared chunked encoding but sent an invalid chunk."""


class ContentDecodingError(RequestException):
    """The response content could not be decoded."""


class StreamConsumedError(RequestException, TypeError):
    """The content of the response was already consumed."""


class RetryError(RequestException):
    """Custom retries logic failed."""


class NoRecordedResponse(ConnectionError):
    """Stagecraft replay mode: the request has no recorded response, and no network is used."""
