"""Database errors that the simulated directory raises where PostgreSQL would."""


class DatabaseError(Exception):
    """Base class of database errors."""


class IntegrityError(DatabaseError):
    """A write broke a unique constraint."""


class NotSupportedError(DatabaseError):
    """The query uses a feature that this kind of query does not support."""
