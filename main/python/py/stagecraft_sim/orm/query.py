"""Lazy query sets over the simulated directory, with Django's QuerySet behaviour.

A query set has a source (the rows it starts from) and a chain of operations. It runs when
iterated and caches its result the way Django does: ``len``, ``list``, ``bool`` and iteration
fill the cache, while ``count``, ``exists``, ``first`` and ``repr`` query again.
"""

import copy

from django.core.exceptions import FieldError
from django.db.utils import NotSupportedError

from stagecraft_sim.orm.lookups import matches, normalize, resolve

# Django's repr shows at most this many items.
REPR_OUTPUT_SIZE = 20


class Q:
    """A filter condition that combines with ``&``, ``|`` and ``~``."""

    AND = "AND"
    OR = "OR"

    def __init__(self, *children, _connector="AND", _negated=False, **kwargs):
        self.children = list(children) + sorted(kwargs.items())
        self.connector = _connector
        self.negated = _negated

    def _combine(self, other, connector):
        if not isinstance(other, Q):
            raise TypeError(other)

        return Q(self, other, _connector=connector)

    def __and__(self, other):
        return self._combine(other, Q.AND)

    def __or__(self, other):
        return self._combine(other, Q.OR)

    def __invert__(self):
        return Q(self, _negated=True)

    def __repr__(self):
        inner = ", ".join(repr(child) for child in self.children)
        prefix = "(NOT (" if self.negated else "("
        suffix = "))" if self.negated else ")"
        return f"<Q: {prefix}{self.connector}: {inner}{suffix}>"

    def evaluate(self, instance):
        """Tell whether ``instance`` satisfies the condition."""
        results = []
        for child in self.children:
            if isinstance(child, Q):
                results.append(child.evaluate(instance))
            else:
                key, value = child
                results.append(matches(instance, key, value))

        combined = all(results) if self.connector == Q.AND else any(results)
        return not combined if self.negated else combined


class QuerySet:
    """A lazy, chainable query over one model of the simulated directory."""

    def __init__(self, model, source, operations=(), combined=False):
        self.model = model
        self._source = source
        self._operations = list(operations)
        self._combined = combined
        self._result_cache = None

    # Building ---------------------------------------------------------------------------

    def _chain(self, operation=None, **changes):
        clone = type(self).__new__(type(self))
        clone.model = self.model
        clone._source = self._source
        clone._operations = list(self._operations)
        clone._combined = self._combined
        clone._result_cache = None
        if operation is not None:
            clone._operations.append(operation)

        for key, value in changes.items():
            setattr(clone, key, value)

        return clone

    def _kinds(self):
        return {operation[0] for operation in self._operations}

    def _check_filterable(self, method):
        if self._combined:
            raise NotSupportedError(f"Calling QuerySet.{method}() after union() is not supported.")

        if "slice" in self._kinds():
            raise TypeError("Cannot filter a query once a slice has been taken.")

    def all(self):
        """Return a copy of the query set."""
        return self._chain()

    def filter(self, *args, **kwargs):
        """Return the objects matching every condition."""
        self._check_filterable("filter")
        return self._chain(("filter", Q(*args, **kwargs)))

    def exclude(self, *args, **kwargs):
        """Return the objects not matching the conditions together."""
        self._check_filterable("exclude")
        return self._chain(("filter", ~Q(*args, **kwargs)))

    def order_by(self, *fields):
        """Return the objects sorted by ``fields`` (``-name`` for descending)."""
        return self._chain(("order", fields))

    def reverse(self):
        """Return the objects in reverse order."""
        return self._chain(("reverse",))

    def distinct(self, *fields):
        """Return each object once."""
        return self._chain(("distinct",))

    def none(self):
        """Return an empty query set."""
        return self._chain(("none",))

    def union(self, *others, all=False):  # noqa: A002 - Django's parameter name
        """Return the objects of this and the other query sets, each once unless ``all``."""
        sources = [self] + list(others)

        def combined_source():
            items = []
            for queryset in sources:
                items.extend(queryset._fetch_instances())

            return items if all else _unique(items)

        return QuerySet._with_class(type(self), self.model, combined_source, combined=True)

    @staticmethod
    def _with_class(cls, model, source, combined=False):
        queryset = cls.__new__(cls)
        QuerySet.__init__(queryset, model, source, combined=combined)
        return queryset

    def values_list(self, *fields, flat=False, named=False):
        """Return tuples of field values, or single values with ``flat=True``."""
        if flat and len(fields) > 1:
            raise TypeError(
                "'flat' is not valid when values_list is called with more than one field."
            )

        return self._chain(("values_list", fields, flat))

    def values(self, *fields, **expressions):
        """Return a dictionary of field values per object."""
        return self._chain(("values", fields))

    # No-ops: the simulated directory has no joins or columns to optimize.
    def select_related(self, *fields):
        """Return the query set unchanged."""
        return self._chain()

    prefetch_related = select_related
    select_subclasses = select_related
    only = select_related
    defer = select_related
    using = select_related

    # Running ----------------------------------------------------------------------------

    def _fetch_instances(self):
        items = list(self._source())
        for operation in self._operations:
            kind = operation[0]
            if kind == "filter":
                items = [item for item in items if operation[1].evaluate(item)]
            elif kind == "order":
                items = _order(items, operation[1])
            elif kind == "reverse":
                items = list(reversed(items))
            elif kind == "distinct":
                items = _unique(items)
            elif kind == "none":
                items = []
            elif kind == "slice":
                items = items[operation[1]]

        return items

    def _projection(self):
        for operation in reversed(self._operations):
            if operation[0] in ("values_list", "values"):
                return operation

        return None

    def _fetch(self):
        items = self._fetch_instances()
        projection = self._projection()
        if projection is None:
            return items

        if projection[0] == "values":
            return [_as_dict(item, projection[1]) for item in items]

        rows = []
        fields = projection[1] or tuple(_concrete_names(self.model))
        for item in items:
            columns = [_field_values(item, field) for field in fields]
            for combination in _product(columns):
                rows.append(combination[0] if projection[2] else tuple(combination))

        return rows

    def _values_for_in(self):
        projection = self._projection()
        if projection is None:
            return [item.pk for item in self._fetch_instances()]

        return self._fetch()

    def _fill_cache(self):
        if self._result_cache is None:
            self._result_cache = self._fetch()

        return self._result_cache

    def __iter__(self):
        return iter(self._fill_cache())

    def __len__(self):
        return len(self._fill_cache())

    def __bool__(self):
        return bool(self._fill_cache())

    def __getitem__(self, key):
        if isinstance(key, slice):
            if (key.start or 0) < 0 or (key.stop or 0) < 0:
                raise ValueError("Negative indexing is not supported.")

            if self._result_cache is not None:
                return self._result_cache[key]

            return self._chain(("slice", key))

        if not isinstance(key, int):
            raise TypeError(
                f"QuerySet indices must be integers or slices, not {type(key).__name__}."
            )

        if key < 0:
            raise ValueError("Negative indexing is not supported.")

        return self._fill_cache()[key] if self._result_cache is not None else self._fetch()[key]

    def __repr__(self):
        data = list(self._fetch()[: REPR_OUTPUT_SIZE + 1])
        if len(data) > REPR_OUTPUT_SIZE:
            data[-1] = "...(remaining elements truncated)..."

        return f"<{type(self).__name__} {data!r}>"

    def __deepcopy__(self, memo):
        clone = self._chain()
        clone._result_cache = copy.deepcopy(self._result_cache, memo)
        return clone

    def iterator(self, chunk_size=None):
        """Iterate over the objects without caching them."""
        return iter(self._fetch())

    def count(self):
        """Return the number of objects."""
        if self._result_cache is not None:
            return len(self._result_cache)

        return len(self._fetch())

    def exists(self):
        """Tell whether the query matches at least one object."""
        if self._result_cache is not None:
            return bool(self._result_cache)

        return bool(self._fetch())

    def get(self, *args, **kwargs):
        """Return the one object matching the conditions."""
        if self._combined and (args or kwargs):
            raise NotSupportedError(
                "Calling QuerySet.get(...) with filters after union() is not supported."
            )

        queryset = self.filter(*args, **kwargs) if (args or kwargs) else self
        items = queryset._fetch()
        if not items:
            raise self.model.DoesNotExist(f"{self.model.__name__} matching query does not exist.")

        if len(items) > 1:
            raise self.model.MultipleObjectsReturned(
                f"get() returned more than one {self.model.__name__} -- it returned {len(items)}!"
            )

        return items[0]

    def _ordered(self):
        return "order" in self._kinds()

    def first(self):
        """Return the first object (by primary key when unordered), or None."""
        queryset = self if self._ordered() else self.order_by("pk")
        items = queryset._fetch()
        return items[0] if items else None

    def last(self):
        """Return the last object (by primary key when unordered), or None."""
        queryset = self if self._ordered() else self.order_by("pk")
        items = queryset._fetch()
        return items[-1] if items else None

    def in_bulk(self, id_list=None, field_name="pk"):
        """Return a dictionary of objects keyed by ``field_name``."""
        items = self._fetch_instances()
        result = {getattr(item, field_name): item for item in items}
        if id_list is None:
            return result

        wanted = {normalize(value) for value in id_list}
        return {key: value for key, value in result.items() if normalize(key) in wanted}

    # Writing ----------------------------------------------------------------------------

    def update(self, **kwargs):
        """Set fields on every matching object and save them; returns the count."""
        items = self._fetch_instances()
        for item in items:
            for key, value in kwargs.items():
                setattr(item, key, value)

            item.save(update_fields=list(kwargs))

        return len(items)

    def delete(self):
        """Delete every matching object; returns the count and the count per model."""
        items = self._fetch_instances()
        for item in items:
            item.delete()

        return len(items), ({self.model._meta.label: len(items)} if items else {})

    def create(self, **kwargs):
        """Create, save and return an object."""
        instance = self.model(**kwargs)
        instance.save()
        return instance

    def get_or_create(self, defaults=None, **kwargs):
        """Return (object, created): the matching object, or a new one saved with ``defaults``."""
        try:
            return self.get(**kwargs), False
        except self.model.DoesNotExist:
            values = {key: value for key, value in kwargs.items() if "__" not in key}
            values.update(defaults or {})
            return self.create(**values), True

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        """Return (object, created) after updating the match with ``defaults`` or creating it."""
        try:
            instance = self.get(**kwargs)
        except self.model.DoesNotExist:
            values = {key: value for key, value in kwargs.items() if "__" not in key}
            values.update(create_defaults if create_defaults is not None else defaults or {})
            return self.create(**values), True

        for key, value in (defaults or {}).items():
            setattr(instance, key, value)

        instance.save()
        return instance, False


class GroupQuerySet(QuerySet):
    """Query set of groups with authentik's hierarchy helpers."""

    def with_ancestors(self):
        """Return these groups and every group above them through ``parents``."""
        from stagecraft_sim import state

        return self._closure(state.directory().group_ancestors)

    def with_descendants(self):
        """Return these groups and every group below them through ``parents``."""
        from stagecraft_sim import state

        return self._closure(state.directory().group_descendants)

    def _closure(self, expand):
        start = self

        def source():
            pks = [str(item.pk) for item in start._fetch_instances()]
            wanted = set(pks)
            for pk in pks:
                wanted.update(expand(pk))

            return [
                item
                for item in self.model.objects.all()._fetch_instances()
                if str(item.pk) in wanted
            ]

        return QuerySet._with_class(GroupQuerySet, self.model, source)


class UserQuerySet(QuerySet):
    """Query set of users with authentik's ``exclude_anonymous``."""

    def exclude_anonymous(self):
        """Return the users other than guardian's anonymous user."""
        return self.exclude(username="AnonymousUser")


class InheritanceQuerySet(QuerySet):
    """Query set of models with subclasses (sources); objects come back as their subclass."""


def _unique(items):
    seen = set()
    result = []
    for item in items:
        key = (type(item)._table, str(item.pk)) if item.pk is not None else id(item)
        if key in seen:
            continue

        seen.add(key)
        result.append(item)

    return result


def _order(items, fields):
    ordered = list(items)
    for field in reversed(fields):
        descending = field.startswith("-")
        name = field.lstrip("-+")
        if name == "?":
            continue

        def sort_key(item, name=name):
            values, _, _ = resolve(item, name.split("__"))
            value = normalize(values[0]) if values else None
            # PostgreSQL sorts NULL after every value in ascending order.
            return (value is None, value if value is not None else 0)

        try:
            ordered.sort(key=sort_key, reverse=descending)
        except TypeError as exc:
            raise FieldError(f"Cannot order by '{field}': {exc}") from exc

    return ordered


def _concrete_names(model):
    names = []
    for name, field in model._fields.items():
        names.append(f"{name}_id" if field.kind == "fk" else name)

    return names


def _field_values(item, field):
    values, _, _ = resolve(item, field.split("__"))
    return values


def _product(columns):
    combinations = [[]]
    for column in columns:
        combinations = [previous + [value] for previous in combinations for value in column]

    return combinations


def _as_dict(item, fields):
    names = fields or tuple(_concrete_names(type(item)))
    row = {}
    for name in names:
        values = _field_values(item, name)
        row[name] = values[0] if values else None

    return row
