"""The simulated authentik database of one evaluation.

Rows are the JSON objects of the request's directory (parsed afresh for every evaluation, so
the caller's data never changes). Writes change these rows for the rest of the evaluation and
are recorded as effects, which are the only way writes leave the sandbox.
"""

import copy
import uuid

from django.db.utils import IntegrityError

from stagecraft_sim.orm.fields import MISSING, to_row_value

# Default model label of rows that do not name one, per table.
DEFAULT_LABELS = {
    "users": "authentik_core.user",
    "groups": "authentik_core.group",
    "sources": "authentik_sources_oauth.oauthsource",
    "connections": "authentik_sources_oauth.useroauthsourceconnection",
    "group_connections": "authentik_sources_oauth.groupoauthsourceconnection",
    "providers": "authentik_providers_oauth2.oauth2provider",
}

# Base model label per table; a row's own label must name this model or a subclass.
TABLE_BASES = {
    "users": "authentik_core.user",
    "groups": "authentik_core.group",
    "sources": "authentik_core.source",
    "connections": "authentik_core.usersourceconnection",
    "group_connections": "authentik_core.groupsourceconnection",
    "providers": "authentik_core.provider",
}

# Unique columns per table, with PostgreSQL's constraint names for the error message.
UNIQUE = {
    "users": [("username", "authentik_core_user_username_key")],
    "groups": [("name", "authentik_core_group_name_key")],
    "sources": [("slug", "authentik_core_source_slug_key")],
    "providers": [("name", "authentik_core_provider_name_key")],
}

# Row keys that hold many-to-many relations rather than fields.
RELATION_KEYS = ("groups", "parents")


class Directory:
    """Tables of rows keyed by primary key, with relation lists inside the rows."""

    def __init__(self, data, recorder):
        self.recorder = recorder
        self.tables = {name: {} for name in DEFAULT_LABELS}
        for name in self.tables:
            for row in data.get(name) or []:
                self._insert_loaded(name, row)

        self._resolve_connection_sources()

    def _insert_loaded(self, table, row):
        from stagecraft_sim.models import model_class

        row = dict(row)
        row["model"] = row.pop("$model", None) or row.get("model") or DEFAULT_LABELS[table]
        if row.get("pk") is None:
            raise ValueError(f"A row of the directory table '{table}' has no pk: {row!r}")

        # Fill absent fields with their defaults once, so that generated defaults (uuid,
        # date_joined) stay the same for every instance built from the row.
        model = model_class(row["model"], model_class(TABLE_BASES[table]))
        for name, field in model._fields.items():
            if name != model._pk_name and name not in row:
                row[name] = (
                    None if field.kind == "fk" else to_row_value(field, field.make_default())
                )

        self.tables[table][str(row["pk"])] = row

    def _resolve_connection_sources(self):
        # Connections may name their source by slug; store the primary key like a foreign key.
        by_slug = {row.get("slug"): row["pk"] for row in self.tables["sources"].values()}
        for table in ("connections", "group_connections"):
            for row in self.tables[table].values():
                source = row.get("source")
                if source is not None and str(source) not in self.tables["sources"]:
                    row["source"] = by_slug.get(source, source)

    # Reading ---------------------------------------------------------------------------------

    def find_row(self, model, pk):
        """Return the stored row of ``model`` (or a subclass) with primary key ``pk``, or None."""
        if pk is None or model._table is None:
            return None

        row = self.tables[model._table].get(str(pk))
        if row is None or not _belongs(row, model):
            return None

        return row

    def instances(self, model):
        """Return fresh instances of every stored object of ``model`` and its subclasses."""
        from stagecraft_sim.models import model_class

        if model._table is None:
            return []

        result = []
        for row in self.tables[model._table].values():
            concrete = model_class(row["model"], model)
            if issubclass(concrete, model):
                result.append(concrete._from_row(row))

        return result

    def relation_pks(self, instance, row_key):
        """Return the primary keys stored in ``instance``'s row under ``row_key``."""
        row = self.find_row(type(instance), instance.pk)
        if row is None:
            return []

        return list(row.get(row_key) or [])

    def devices(self, user):
        """Return the confirmed authenticator devices of ``user``."""
        row = self.find_row(type(user), user.pk)
        devices = (row or {}).get("devices") or []
        return [device for device in devices if device.get("confirmed", True)]

    def group_ancestors(self, pk):
        """Return the primary keys of every group above group ``pk``."""
        return self._walk(pk, lambda row: row.get("parents") or [])

    def group_descendants(self, pk):
        """Return the primary keys of every group below group ``pk``."""
        children = {}
        for row in self.tables["groups"].values():
            for parent in row.get("parents") or []:
                children.setdefault(str(parent), []).append(row["pk"])

        return self._walk(pk, lambda row: children.get(str(row["pk"]), []))

    def _walk(self, pk, neighbours):
        seen = set()
        pending = [str(pk)]
        while pending:
            row = self.tables["groups"].get(pending.pop())
            if row is None:
                continue

            for neighbour in neighbours(row):
                key = str(neighbour)
                if key not in seen:
                    seen.add(key)
                    pending.append(key)

        seen.discard(str(pk))
        return seen

    # Writing ---------------------------------------------------------------------------------

    def save(self, instance, update_fields=None):
        """Insert or update ``instance``'s row and record an ``object_saved`` effect."""
        model = type(instance)
        if model._table is None:
            raise NotImplementedError(f"Saving {model.__name__} objects is not simulated.")

        values = _row_values(instance)
        existing = self.find_row(model, instance.pk)
        if existing is None:
            self._create(instance, values)
            return

        names = list(update_fields) if update_fields is not None else list(values)
        before = copy.deepcopy(existing)
        for name in names:
            if name not in values:
                raise ValueError(
                    f"The following fields do not exist in this model, are m2m fields, or are "
                    f"non-concrete fields: {name}"
                )

        self._check_unique(model._table, {name: values[name] for name in names}, existing["pk"])
        for name in names:
            existing[name] = values[name]

        self._record_save(instance, before, existing, created=False)

    def _create(self, instance, values):
        model = type(instance)
        table = self.tables[model._table]
        if instance.pk is None:
            instance.pk = self._next_pk(model)

        self._check_unique(model._table, values, None)
        row = {
            "pk": to_row_value(model._fields[model._pk_name], instance.pk),
            "model": model._label,
        }
        row.update(values)
        row.pop(model._pk_name, None)
        for key in RELATION_KEYS:
            if key in _relation_keys(model):
                row.setdefault(key, [])

        table[str(row["pk"])] = row
        instance.__dict__["_state_adding"] = False
        self._record_save(instance, None, row, created=True)

    def _next_pk(self, model):
        field = model._fields[model._pk_name]
        if field.kind == "uuid":
            return uuid.uuid4()

        numbers = [
            row["pk"] for row in self.tables[model._table].values() if isinstance(row["pk"], int)
        ]
        return max(numbers, default=0) + 1

    def _check_unique(self, table, values, own_pk):
        for column, constraint in UNIQUE.get(table, []):
            value = values.get(column, MISSING)
            if value is MISSING:
                continue

            for row in self.tables[table].values():
                if str(row["pk"]) != str(own_pk) and row.get(column) == value:
                    raise IntegrityError(
                        f'duplicate key value violates unique constraint "{constraint}"\n'
                        f"DETAIL:  Key ({column})=({value}) already exists."
                    )

    def _record_save(self, instance, before, after, created):
        changes = []
        for name, value in after.items():
            if name in ("pk", "model") or name in RELATION_KEYS or name == "devices":
                continue

            old = (before or {}).get(name)
            if name == "attributes" and isinstance(value, dict):
                old_attributes = old if isinstance(old, dict) else {}
                for key in sorted(set(old_attributes) | set(value)):
                    if old_attributes.get(key, MISSING) != value.get(key, MISSING):
                        changes.append(
                            {
                                "field": f"attributes.{key}",
                                "before": old_attributes.get(key),
                                "after": value.get(key),
                            }
                        )
            elif created or old != value:
                changes.append({"field": name, "before": old, "after": value})

        self.recorder.effect(
            "object_saved",
            model=type(instance)._label,
            pk=after["pk"],
            label=str(instance),
            created=created,
            changes=changes,
            after={key: value for key, value in after.items() if key not in ("model", "devices")},
        )

    def delete(self, instance):
        """Delete ``instance``'s row, remove it from relation lists and record the deletion."""
        model = type(instance)
        row = self.find_row(model, instance.pk)
        if row is None:
            return 0, {}

        del self.tables[model._table][str(row["pk"])]
        key = str(row["pk"])
        for table in ("users", "groups"):
            for other in self.tables[table].values():
                for relation in RELATION_KEYS:
                    if key in [str(pk) for pk in other.get(relation) or []]:
                        other[relation] = [pk for pk in other[relation] if str(pk) != key]

        self.recorder.effect(
            "object_deleted", model=model._label, pk=row["pk"], label=str(instance)
        )
        return 1, {model._meta.label: 1}

    def set_relation(self, instance, row_key, pks):
        """Replace the relation list ``row_key`` of ``instance`` and record the change."""
        row = self.find_row(type(instance), instance.pk)
        if row is None:
            raise ValueError(
                f'"{instance!r}" is not stored in the simulated directory; save() it first.'
            )

        before = list(row.get(row_key) or [])
        after = [_stored_pk(pk) for pk in pks]
        if [str(pk) for pk in before] == [str(pk) for pk in after]:
            return

        row[row_key] = after
        self.recorder.effect(
            "membership_changed",
            relation=f"{type(instance)._meta.model_name}.{row_key}",
            model=type(instance)._label,
            pk=row["pk"],
            label=str(instance),
            before=before,
            after=after,
        )


def _belongs(row, model):
    from stagecraft_sim.models import model_class

    return issubclass(model_class(row["model"], model), model)


def _relation_keys(model):
    return {relation.row_key for relation in model._relations.values() if hasattr(relation, "to")}


def _row_values(instance):
    model = type(instance)
    values = {}
    for name, field in model._fields.items():
        if name == model._pk_name:
            continue

        if field.kind == "fk":
            related = instance.__dict__.get("_fk_cache", {}).get(name)
            pk = related.pk if related is not None else instance.__dict__.get(f"{name}_id")
            values[name] = str(pk) if isinstance(pk, uuid.UUID) else pk
            continue

        values[name] = to_row_value(field, instance.__dict__.get(name))

    return values


def _stored_pk(pk):
    return str(pk) if isinstance(pk, uuid.UUID) else pk
