"""Field lookups (``name__icontains=...``) evaluated in Python over model instances.

A lookup key is split on ``__``. Leading parts name fields and relations: foreign keys are
followed and many-to-many relations fan out. Parts after a JSON field are keys inside the JSON
value, and the last part may name a lookup. A filter matches when any fanned-out value
matches, which is how a SQL join behaves.
"""

import re
import uuid

from django.core.exceptions import FieldError

from stagecraft_sim.orm.fields import MISSING, ManyToMany, ReverseForeignKey, ReverseManyToMany

LOOKUPS = {
    "exact",
    "iexact",
    "in",
    "isnull",
    "contains",
    "icontains",
    "startswith",
    "istartswith",
    "endswith",
    "iendswith",
    "gt",
    "gte",
    "lt",
    "lte",
    "range",
    "regex",
    "iregex",
    "has_key",
    "has_keys",
    "has_any_keys",
}


def normalize(value):
    """Reduce a value to what SQL compares: models to primary keys, UUIDs to strings."""
    from stagecraft_sim.orm.base import Model

    if isinstance(value, Model):
        value = value.pk

    if isinstance(value, uuid.UUID):
        return str(value)

    return value


def normalize_many(value):
    """Normalize the right-hand side of ``__in``: query sets become their primary keys."""
    from stagecraft_sim.orm.query import QuerySet

    if isinstance(value, QuerySet):
        return [normalize(item) for item in value._values_for_in()]

    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"'{type(value).__name__}' object is not iterable")

    return [normalize(item) for item in value]


def field_choices(model):
    """Return the names Django lists in "Choices are: ..." for ``model``."""
    names = set(model._fields) | set(model._relations) | {"pk"}
    names.discard("pk")
    return ", ".join(sorted(names))


def resolve(instance, parts):
    """Follow ``parts`` from ``instance``; returns (values, lookup, went_into_json_keys)."""
    from stagecraft_sim.orm.base import REGISTRY, Model

    values = [instance]
    model = type(instance)
    json_mode = False
    json_key = False
    for index, part in enumerate(parts):
        is_last = index == len(parts) - 1

        if json_mode:
            if is_last and part in LOOKUPS:
                return values, part, json_key

            values = [_json_key(value, part) for value in values]
            json_key = True
            continue

        if model is None:
            if is_last and part in LOOKUPS:
                return values, part, False

            raise FieldError(f"Unsupported lookup '{part}' or join on the field not permitted.")

        name = model._pk_name if part == "pk" else part
        field = model._fields.get(name)
        relation = model._relations.get(name)
        if field is None and relation is None and name.endswith("_id"):
            id_field = model._fields.get(name[:-3])
            if id_field is not None and id_field.kind == "fk":
                values = [_attribute(item, name) for item in values]
                model = None
                continue

        if field is None and relation is None:
            if index > 0 and is_last and part in LOOKUPS:
                return values, part, False

            raise FieldError(
                f"Cannot resolve keyword '{part}' into field. Choices are: {field_choices(model)}"
            )

        if relation is not None:
            values = _fan_out(values, name)
            model = _relation_target(relation)
        elif field.kind == "fk":
            values = [_related(item, name) for item in values]
            model = REGISTRY[field.to]
        else:
            values = [_attribute(item, name) for item in values]
            json_mode = field.kind == "json"
            model = None

    values = [value.pk if isinstance(value, Model) else value for value in values]
    return values, "exact", json_key


def _attribute(item, name):
    return None if item is None else item.__dict__.get(name)


def _related(item, name):
    if item is None:
        return None

    try:
        return getattr(item, name)
    except Exception:  # noqa: BLE001 - a dangling foreign key matches nothing, as a SQL join
        return None


def _json_key(value, key):
    if isinstance(value, dict):
        return value.get(key, MISSING)

    if isinstance(value, list) and key.lstrip("-").isdigit():
        position = int(key)
        return value[position] if -len(value) <= position < len(value) else MISSING

    return MISSING


def _fan_out(values, name):
    result = []
    for item in values:
        if item is None:
            continue

        result.extend(list(getattr(item, name).all()))

    return result or [None]


def _relation_target(relation):
    from stagecraft_sim.orm.base import REGISTRY

    if isinstance(relation, ManyToMany):
        return REGISTRY[relation.to]

    if isinstance(relation, (ReverseManyToMany, ReverseForeignKey)):
        return REGISTRY[relation.owner]

    raise FieldError(f"Unsupported relation {relation!r}")


def matches(instance, key, expected):
    """Tell whether ``instance`` satisfies the lookup ``key=expected``."""
    values, lookup, json_key = resolve(instance, key.split("__"))
    return any(_compare(normalize(value), lookup, expected, json_key) for value in values)


def _compare(value, lookup, expected, json_key):
    if lookup == "isnull":
        if json_key:
            return (value is MISSING) == bool(expected)

        return (value is None or value is MISSING) == bool(expected)

    if value is MISSING:
        return False

    if lookup == "in":
        return value in normalize_many(expected)

    if lookup == "exact":
        if expected is None and not json_key:
            return value is None

        return value == normalize(expected)

    if lookup in ("has_key", "has_keys", "has_any_keys"):
        return _has_keys(value, lookup, expected)

    if lookup == "contains" and not isinstance(value, str):
        return _json_contains(value, expected)

    if value is None:
        return False

    return _compare_scalar(value, lookup, normalize(expected))


def _has_keys(value, lookup, expected):
    if not isinstance(value, dict):
        return False

    if lookup == "has_key":
        return expected in value

    keys = list(expected)
    if lookup == "has_keys":
        return all(key in value for key in keys)

    return any(key in value for key in keys)


def _json_contains(value, expected):
    if isinstance(value, dict) and isinstance(expected, dict):
        return all(
            key in value and _json_contains(value[key], item) for key, item in expected.items()
        )

    if isinstance(value, list):
        wanted = expected if isinstance(expected, list) else [expected]
        return all(any(_json_contains(item, want) for item in value) for want in wanted)

    return value == expected


def _compare_scalar(value, lookup, expected):
    text_lookups = {
        "iexact": lambda a, b: a.lower() == b.lower(),
        "contains": lambda a, b: b in a,
        "icontains": lambda a, b: b.lower() in a.lower(),
        "startswith": lambda a, b: a.startswith(b),
        "istartswith": lambda a, b: a.lower().startswith(b.lower()),
        "endswith": lambda a, b: a.endswith(b),
        "iendswith": lambda a, b: a.lower().endswith(b.lower()),
        "regex": lambda a, b: re.search(b, a) is not None,
        "iregex": lambda a, b: re.search(b, a, re.IGNORECASE) is not None,
    }
    if lookup in text_lookups:
        return text_lookups[lookup](_as_text(value), _as_text(expected))

    try:
        if lookup == "gt":
            return value > expected
        if lookup == "gte":
            return value >= expected
        if lookup == "lt":
            return value < expected
        if lookup == "lte":
            return value <= expected
        if lookup == "range":
            low, high = expected
            return low <= value <= high
    except TypeError:
        # SQL compares mismatched types as no match rather than failing the query.
        return False

    raise FieldError(f"Unsupported lookup '{lookup}'")


def _as_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"

    return str(value)
