"""``django.utils.timezone.now`` with ``USE_TZ = True``, as authentik configures Django."""

from datetime import datetime, timezone


def now():
    """Return the current time as an aware UTC datetime."""
    return datetime.now(timezone.utc)
