"""The globals authentik gives every expression (``authentik/lib/expression/evaluator.py``).

Behaviour follows authentik 2025.12's BaseEvaluator. Where the server would reach the network,
the database or the mail server, these functions read the request's recorded data instead and
record what they did as effects.
"""

import base64
import hashlib
import hmac
import json
import re
from datetime import datetime, timedelta, timezone
from ipaddress import ip_address, ip_network

from django.core.exceptions import FieldError
from django.utils.text import slugify

import authentik
from stagecraft_sim import state
from stagecraft_sim.convert import to_json

# authentik's get_http_session() sets this User-Agent on the shared `requests` session.
AUTHENTIK_USER_AGENT = f"authentik@{authentik.__version__}"


class SimulationDataMissing(LookupError):
    """The expression requested data that only the network could provide (DNS records)."""


class StructLogger:
    """A structlog-style logger (``ak_logger``) whose lines go into the evaluation's logs."""

    def __init__(self, name, bound=None):
        self._name = name
        self._bound = dict(bound or {})

    def bind(self, **fields):
        """Return a logger that adds ``fields`` to every line."""
        return StructLogger(self._name, {**self._bound, **fields})

    def new(self, **fields):
        """Return a logger with only ``fields`` bound."""
        return StructLogger(self._name, fields)

    def unbind(self, *keys):
        """Return a logger without ``keys``."""
        return StructLogger(self._name, {k: v for k, v in self._bound.items() if k not in keys})

    def _emit(self, level, event, fields):
        merged = {key: to_json(value) for key, value in {**self._bound, **fields}.items()}
        state.recorder().log(level, self._name, str(event), merged)

    def debug(self, event=None, **fields):
        """Log at debug level."""
        self._emit("debug", event, fields)

    def info(self, event=None, **fields):
        """Log at info level."""
        self._emit("info", event, fields)

    msg = info

    def warning(self, event=None, **fields):
        """Log at warning level."""
        self._emit("warning", event, fields)

    warn = warning

    def error(self, event=None, **fields):
        """Log at error level."""
        self._emit("error", event, fields)

    def exception(self, event=None, **fields):
        """Log at error level (structlog adds the current exception)."""
        self._emit("error", event, fields)

    def critical(self, event=None, **fields):
        """Log at critical level."""
        self._emit("critical", event, fields)

    fatal = critical


def expr_flatten(value):
    """Return the first item of a list, None for an empty list, else the value itself."""
    if isinstance(value, list):
        if len(value) < 1:
            return None

        return value[0]

    return value


def expr_regex_match(value, regex):
    """Tell whether ``re.search(regex, value)`` finds a match."""
    return re.search(regex, value) is not None


def expr_regex_replace(value, regex, repl):
    """Return ``re.sub(regex, repl, value)``."""
    return re.sub(regex, repl, value)


def expr_is_group_member(user, **group_filters):
    """Tell whether ``user`` is in a group matching ``group_filters``, ancestors included."""
    return user.all_groups().filter(**group_filters).exists()


def expr_user_by(**filters):
    """Return the first user matching ``filters``, or None (also for unknown fields)."""
    from authentik.core.models import User

    try:
        users = User.objects.filter(**filters)
        if users:
            return users.first()

        return None
    except FieldError:
        return None


def expr_func_user_has_authenticator(user, device_type=None):
    """Tell whether ``user`` has a confirmed device, optionally of ``device_type`` (``totp``)."""
    devices = state.directory().devices(user) if getattr(user, "pk", None) is not None else []
    if device_type:
        return any(str(device.get("type", "")).lower() == device_type for device in devices)

    return len(devices) > 0


def expr_resolve_dns(host, ip_version=None):
    """Return the recorded addresses of ``host``, filtered by IP version (4 or 6)."""
    records = state.current().dns.get("forward") or {}
    host = host or ""
    if host not in records:
        raise SimulationDataMissing(
            f"resolve_dns: no recorded DNS result for host '{host}', and the simulation does not "
            f"use DNS. Add the host to the request's dns.forward records."
        )

    addresses = []
    for address in records[host]:
        version = ip_address(address).version
        if ip_version in (None, version):
            addresses.append(str(address))

    return list(set(addresses))


def expr_reverse_dns(ip_addr):
    """Return the recorded host name of ``ip_addr``."""
    records = state.current().dns.get("reverse") or {}
    if ip_addr not in records:
        raise SimulationDataMissing(
            f"reverse_dns: no recorded DNS result for address '{ip_addr}', and the simulation "
            f"does not use DNS. Add the address to the request's dns.reverse records; map it to "
            f"itself for a failed lookup, which is what authentik returns then."
        )

    return records[ip_addr]


def normalize_addresses(value):
    """Return a list of addresses from None, one address or a list."""
    if value is None:
        return []

    if isinstance(value, str):
        return [value]

    return list(value)


def timedelta_from_string(expression):
    """Parse authentik's duration strings such as ``seconds=60`` or ``hours=1;minutes=30``."""
    values = {}
    for part in str(expression).split(";"):
        if not part.strip():
            continue

        key, _, amount = part.partition("=")
        values[key.strip().lower()] = float(amount.strip())

    if not values:
        raise ValueError("No valid keys to pass to timedelta")

    return timedelta(**values)


def encode_jwt(claims, secret):
    """Encode ``claims`` as an HS256 JWT signed with ``secret``."""

    def segment(data):
        raw = json.dumps(data, separators=(",", ":"), default=str).encode("utf-8")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    header = segment({"alg": "HS256", "typ": "JWT"})
    payload = segment(claims)
    signature = hmac.new(
        str(secret or "").encode("utf-8"), f"{header}.{payload}".encode("ascii"), hashlib.sha256
    ).digest()
    return f"{header}.{payload}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode('ascii')}"


def find_provider(provider):
    """Return an OAuth2Provider instance for an instance or a provider name."""
    from authentik.providers.oauth2.models import OAuth2Provider

    if isinstance(provider, OAuth2Provider):
        return provider

    return OAuth2Provider.objects.get(name=provider)


def now():
    """Return the current UTC time."""
    return datetime.now(timezone.utc)


STATIC_GLOBALS = {
    "ak_is_group_member": expr_is_group_member,
    "ak_user_by": expr_user_by,
    "ak_user_has_authenticator": expr_func_user_has_authenticator,
    "ip_address": ip_address,
    "ip_network": ip_network,
    "list_flatten": expr_flatten,
    "regex_match": expr_regex_match,
    "regex_replace": expr_regex_replace,
    "resolve_dns": expr_resolve_dns,
    "reverse_dns": expr_reverse_dns,
    "slugify": slugify,
}
