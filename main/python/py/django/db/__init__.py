"""Database names of the Django shim."""

from django.db.utils import IntegrityError, NotSupportedError

__all__ = ["IntegrityError", "NotSupportedError"]
