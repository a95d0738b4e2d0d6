"""Conversion between the JSON of the evaluation contract and Python objects.

JSON maps with ``$model`` become model instances, and fields missing from such a map are read
from the directory row with the same primary key. ``$queryset`` maps become query sets. The
conversion back writes the same markers, so the caller can read the context after the run.
"""

import base64
import ipaddress
import math
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from stagecraft_sim.orm.anonymous import AnonymousUser
from stagecraft_sim.orm.base import Model
from stagecraft_sim.orm.query import QuerySet

FLOW_PLAN_LABEL = "authentik_flows.flowplan"
ANONYMOUS_LABEL = "django_auth.anonymoususer"
MAX_DEPTH = 64


def from_json(value, directory):
    """Turn a contract JSON value into Python objects."""
    if isinstance(value, list):
        return [from_json(item, directory) for item in value]

    if not isinstance(value, dict):
        return value

    if "$model" in value:
        return instance_from_json(value, directory)

    if "$queryset" in value:
        return queryset_from_json(value, directory)

    return {key: from_json(item, directory) for key, item in value.items()}


def instance_from_json(value, directory):
    """Build the model instance a ``$model`` map stands for."""
    from stagecraft_sim.models import model_class

    label = value["$model"]
    if label == ANONYMOUS_LABEL:
        return AnonymousUser()

    if label == FLOW_PLAN_LABEL:
        from authentik.flows.planner import FlowPlan

        context = value.get("context")
        plan = FlowPlan(
            flow_pk=value.get("flow_pk"),
            bindings=from_json(value.get("bindings") or [], directory),
            context=None if context is None else from_json(context, directory),
            markers=from_json(value.get("markers") or [], directory),
        )
        if context is None:
            # Filled by the runner from the surrounding policy context (shared values).
            plan.context = None

        return plan

    cls = model_class(label)
    fields = {key: item for key, item in value.items() if key != "$model"}
    pk = fields.get("pk", fields.get(cls._pk_name))
    stored = directory.find_row(cls, pk)
    if stored is not None:
        # A stored OAuthSource asked for as authentik_core.source still comes back as an
        # OAuthSource, as authentik's InheritanceManager returns it.
        cls = model_class(stored["model"], cls)

    row = dict(stored) if stored is not None else {}
    related = {}
    for key, item in fields.items():
        field = cls._fields.get(key)
        converted = from_json(item, directory)
        if field is not None and field.kind == "fk" and isinstance(converted, Model):
            related[key] = converted
            row[key] = converted.pk
        else:
            row[key] = converted

    if stored is None and "pk" not in row and cls._pk_name not in row:
        row["pk"] = None

    instance = cls._from_row(row)
    instance.__dict__["_state_adding"] = stored is None
    if related:
        instance.__dict__.setdefault("_fk_cache", {}).update(related)

    return instance


def queryset_from_json(value, directory):
    """Build a query set over the objects listed in a ``$queryset`` map."""
    from stagecraft_sim.models import model_class

    model = model_class(value["$queryset"])
    items = [instance_from_json(item, directory) for item in value.get("items") or []]
    return QuerySet._with_class(_queryset_class(model), model, lambda: list(items))


def _queryset_class(model):
    from stagecraft_sim.orm.related import queryset_class

    return queryset_class(model)


def to_json(value, strict=False, _depth=0, _seen=None):
    """Turn a Python value into contract JSON.

    Values without a JSON form become ``{"$repr": repr(value)}``, or raise TypeError when
    ``strict`` is set.
    """
    if _depth > MAX_DEPTH:
        return _fallback(value, strict, "nested too deeply")

    if value is None or isinstance(value, (bool, str)):
        return value

    if isinstance(value, int):
        return value

    if isinstance(value, float):
        return value if math.isfinite(value) else _fallback(value, strict, "not finite")

    seen = _seen if _seen is not None else set()
    if isinstance(value, (dict, list, tuple, set, frozenset, Model, QuerySet)) or hasattr(
        value, "__dict__"
    ):
        if id(value) in seen:
            return _fallback(value, strict, "a cycle")

        seen = seen | {id(value)}

    def inner(item):
        return to_json(item, strict, _depth + 1, seen)

    if isinstance(value, dict):
        return {_key(key): inner(item) for key, item in value.items()}

    if isinstance(value, (list, tuple)):
        return [inner(item) for item in value]

    if isinstance(value, (set, frozenset)):
        return [inner(item) for item in sorted(value, key=repr)]

    if isinstance(value, Model):
        return instance_to_json(value, inner)

    if isinstance(value, QuerySet):
        items = value._fetch_instances() if value._projection() is None else value._fetch()
        label = value.model._label if value.model is not None else None
        return {"$queryset": label, "items": [inner(item) for item in items]}

    if isinstance(value, AnonymousUser):
        return {"$model": ANONYMOUS_LABEL}

    return _special(value, strict, inner)


def _special(value, strict, inner):
    from authentik.flows.planner import FlowPlan
    from authentik.policies.types import PolicyResult

    if isinstance(value, FlowPlan):
        return {
            "$model": FLOW_PLAN_LABEL,
            "flow_pk": inner(value.flow_pk),
            "bindings": inner(value.bindings),
            "markers": inner(value.markers),
            "context": inner(value.context),
        }

    if isinstance(value, PolicyResult):
        return {
            "$type": "PolicyResult",
            "passing": bool(value.passing),
            "messages": [str(message) for message in value.messages],
        }

    if isinstance(value, (datetime, date, time)):
        return value.isoformat()

    if isinstance(value, timedelta):
        return value.total_seconds()

    if isinstance(value, (uuid.UUID, Decimal)) or _is_ip(value):
        return str(value)

    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}

    return _fallback(value, strict, "no JSON form")


def instance_to_json(instance, inner=None):
    """Return the ``$model`` map of a model instance: label, primary key and every field."""
    convert = inner or to_json
    model = type(instance)
    result = {"$model": model._label, "pk": convert(instance.pk)}
    for name, field in model._fields.items():
        if name == model._pk_name:
            continue

        if field.kind == "fk":
            result[name] = convert(instance.__dict__.get(f"{name}_id"))
        else:
            result[name] = convert(instance.__dict__.get(name))

    return result


def event_context(context):
    """Convert an event context the way authentik's sanitize_item does for models."""

    def convert(value, depth=0):
        if depth > MAX_DEPTH:
            return repr(value)

        if isinstance(value, Model):
            return {
                "app": value._meta.app_label,
                "model_name": value._meta.model_name,
                "name": str(value),
                "pk": to_json(value.pk),
            }

        if isinstance(value, dict):
            return {_key(key): convert(item, depth + 1) for key, item in value.items()}

        if isinstance(value, (list, tuple, set)):
            return [convert(item, depth + 1) for item in value]

        if callable(value) and not isinstance(value, type):
            return getattr(value, "__name__", repr(value))

        converted = to_json(value)
        if isinstance(converted, dict) and "$repr" in converted:
            return str(value)

        return converted

    return convert(context)


def _key(key):
    return key if isinstance(key, str) else str(key)


def _is_ip(value):
    return isinstance(
        value,
        (
            ipaddress.IPv4Address,
            ipaddress.IPv6Address,
            ipaddress.IPv4Network,
            ipaddress.IPv6Network,
        ),
    )


def _fallback(value, strict, reason):
    if strict:
        raise TypeError(f"{type(value).__name__} value has {reason}")

    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - a broken __repr__ must not fail the conversion
        text = f"<{type(value).__name__} object, repr failed: {exc}>"

    return {"$repr": text}
