"""A stand-in for Django's HttpRequest, for policies that run under an HTTP request."""

from urllib.parse import urlencode


class QueryDict(dict):
    """A read-only mapping of query parameters with Django's ``getlist``."""

    def getlist(self, key, default=None):
        """Return the values of ``key`` as a list."""
        if key not in self:
            return [] if default is None else default

        value = self[key]
        return value if isinstance(value, list) else [value]

    def urlencode(self):
        """Return the parameters as a query string."""
        return urlencode(self, doseq=True)


class HttpHeaders(dict):
    """Request headers with case-insensitive lookup."""

    def __init__(self, headers):
        super().__init__({key.title(): value for key, value in headers.items()})

    def __getitem__(self, key):
        return super().__getitem__(key.title())

    def __contains__(self, key):
        return super().__contains__(str(key).title())

    def get(self, key, default=None):
        """Return the header ``key`` or ``default``."""
        return super().get(str(key).title(), default)


class SimulatedSession(dict):
    """The session of the simulated request (``session_key`` is None: no stored session)."""

    session_key = None

    def save(self):
        """Keep the session in memory only."""


class HttpRequest:
    """The HTTP request a flow runs under, built from the evaluation request's ``httpRequest``."""

    def __init__(self, data, user):
        self.method = (data.get("method") or "GET").upper()
        self.path = data.get("path") or "/"
        self.path_info = self.path
        self.scheme = data.get("scheme") or "https"
        self.GET = QueryDict(data.get("query") or {})
        self.POST = QueryDict()
        self.COOKIES = {}
        self.FILES = {}
        self.headers = HttpHeaders(data.get("headers") or {})
        self.session = SimulatedSession()
        self.user = user
        self._host = data.get("host") or self.headers.get("Host") or "authentik.company"
        self.META = {
            "REMOTE_ADDR": data.get("clientIp") or "255.255.255.255",
            "REQUEST_METHOD": self.method,
            "PATH_INFO": self.path,
            "QUERY_STRING": self.GET.urlencode(),
            "SERVER_NAME": self._host,
            "SERVER_PORT": "443" if self.scheme == "https" else "80",
        }
        for key, value in (data.get("headers") or {}).items():
            self.META["HTTP_" + key.upper().replace("-", "_")] = value

    def __repr__(self):
        return f"<HttpRequest: {self.method} '{self.get_full_path()}'>"

    def get_host(self):
        """Return the host name."""
        return self._host

    def get_full_path(self):
        """Return the path with the query string."""
        query = self.GET.urlencode()
        return f"{self.path}?{query}" if query else self.path

    def is_secure(self):
        """Tell whether the request came over HTTPS."""
        return self.scheme == "https"

    def build_absolute_uri(self, location=None):
        """Return an absolute URL for ``location`` (default: this request's URL)."""
        target = location if location is not None else self.get_full_path()
        if "://" in target:
            return target

        return f"{self.scheme}://{self._host}{target}"
