"""Field kinds of the simulated models and their conversion to and from directory rows.

Directory rows hold JSON values as the simulator sent them; model instances hold Python values
as Django would (``datetime``, ``uuid.UUID``, dicts for JSON fields).
"""

import copy
import uuid
from datetime import datetime


class _Missing:
    """Marker for an absent value, distinct from None (a JSON key that does not exist)."""

    def __repr__(self):
        return "MISSING"


MISSING = _Missing()


class Field:
    """A concrete column: ``kind`` is value, json, datetime, uuid or fk."""

    def __init__(self, default=None, kind="value", to=None, unique=False):
        self.default = default
        self.kind = kind
        self.to = to
        self.unique = unique
        self.name = ""

    def make_default(self):
        """Return a fresh default value, calling it when it is a factory."""
        if callable(self.default):
            return self.default()

        # Only containers need a copy; sharing an immutable default is safe and much faster.
        if isinstance(self.default, (dict, list, set)):
            return copy.deepcopy(self.default)

        return self.default

    def from_row(self, value):
        """Convert a row value into the Python value an instance holds."""
        if value is None:
            return None

        if self.kind == "datetime" and isinstance(value, str):
            return datetime.fromisoformat(value)

        if self.kind == "uuid" and isinstance(value, str):
            try:
                return uuid.UUID(value)
            except ValueError:
                return value

        if self.kind == "json":
            return copy.deepcopy(value)

        return value


class ManyToMany:
    """A many-to-many relation stored as a list of target primary keys in the owner's row."""

    def __init__(self, to, row_key, reverse_name):
        self.to = to
        self.row_key = row_key
        self.reverse_name = reverse_name
        self.name = ""


class ReverseManyToMany:
    """The other side of a ManyToMany: owners whose row lists this object's primary key."""

    def __init__(self, owner, row_key, forward_name):
        self.owner = owner
        self.row_key = row_key
        self.forward_name = forward_name
        self.name = ""


class ReverseForeignKey:
    """Objects of another model whose foreign key points at this object (``x_set``)."""

    def __init__(self, owner, fk_name):
        self.owner = owner
        self.fk_name = fk_name
        self.name = ""


def json_dumpable(value, path="value"):
    """Return ``value`` when the standard JSON encoder accepts it, as a JSONField requires.

    Raises TypeError with the encoder's wording otherwise, which is what saving a model with
    such a value in ``attributes`` raises on the server.
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value

    if isinstance(value, dict):
        result = {}
        for key, item in value.items():
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise TypeError(
                    f"keys must be str, int, float, bool or None, not {type(key).__name__}"
                )

            result[str(key) if not isinstance(key, str) else key] = json_dumpable(item, path)

        return result

    if isinstance(value, (list, tuple)):
        return [json_dumpable(item, path) for item in value]

    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def to_row_value(field, value):
    """Convert an instance value into its JSON row form."""
    if value is None:
        return None

    if field.kind == "datetime" and isinstance(value, datetime):
        return value.isoformat()

    if field.kind == "uuid" and isinstance(value, uuid.UUID):
        return str(value)

    if field.kind == "json":
        return json_dumpable(value)

    if isinstance(value, (uuid.UUID, datetime)):
        return str(value)

    return value
