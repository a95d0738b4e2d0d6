"""Managers: ``Model.objects`` and the related managers of relations (``user.groups``).

Many-to-many writes (``add``, ``remove``, ``set``, ``clear``) take effect at once, without
``save()``, as in Django, and each one is recorded as a membership effect.
"""

from stagecraft_sim import state
from stagecraft_sim.orm.fields import ManyToMany, ReverseForeignKey, ReverseManyToMany
from stagecraft_sim.orm.query import GroupQuerySet, InheritanceQuerySet, QuerySet, UserQuerySet

_QUERYSET_CLASSES = {
    "QuerySet": QuerySet,
    "GroupQuerySet": GroupQuerySet,
    "UserQuerySet": UserQuerySet,
    "InheritanceQuerySet": InheritanceQuerySet,
}

# Query set methods that managers hand on to a fresh query set.
_DELEGATED = (
    "all",
    "filter",
    "exclude",
    "get",
    "first",
    "last",
    "exists",
    "count",
    "order_by",
    "values",
    "values_list",
    "distinct",
    "none",
    "union",
    "in_bulk",
    "iterator",
    "select_related",
    "prefetch_related",
    "select_subclasses",
    "only",
    "defer",
    "update",
)


def queryset_class(model):
    """Return the query set class of ``model`` (its ``repr`` shows the class name)."""
    return _QUERYSET_CLASSES[model._queryset_class_name]


def table_queryset(model):
    """Return a query set over every stored object of ``model`` and its subclasses."""

    def source():
        return state.directory().instances(model)

    return QuerySet._with_class(queryset_class(model), model, source)


class _Delegating:
    """Hands query set methods on to ``get_queryset()``."""

    def get_queryset(self):
        raise NotImplementedError

    def __iter__(self):
        raise TypeError(f"'{type(self).__name__}' object is not iterable")


for _name in _DELEGATED:

    def _delegate(self, *args, _name=_name, **kwargs):
        return getattr(self.get_queryset(), _name)(*args, **kwargs)

    _delegate.__name__ = _name
    setattr(_Delegating, _name, _delegate)


class Manager(_Delegating):
    """``Model.objects``."""

    def __init__(self, model):
        self.model = model

    def get_queryset(self):
        """Return a query set over every object of the model."""
        return table_queryset(self.model)

    def create(self, **kwargs):
        """Create, save and return an object."""
        return self.get_queryset().create(**kwargs)

    def get_or_create(self, defaults=None, **kwargs):
        """Return (object, created)."""
        return self.get_queryset().get_or_create(defaults=defaults, **kwargs)

    def update_or_create(self, defaults=None, create_defaults=None, **kwargs):
        """Return (object, created) after updating or creating."""
        return self.get_queryset().update_or_create(
            defaults=defaults, create_defaults=create_defaults, **kwargs
        )

    def get_subclass(self, *args, **kwargs):
        """Return one object as its most specific class (django-model-utils)."""
        return self.get_queryset().get(*args, **kwargs)

    def __getattr__(self, name):
        # Query set classes with extra methods (with_ancestors, exclude_anonymous) expose them
        # on the manager too, as Django's QuerySet.as_manager() does.
        queryset = self.get_queryset()
        if name.startswith("_") or not hasattr(queryset, name):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

        return getattr(queryset, name)

    def __repr__(self):
        return f"<{type(self).__name__}: {self.model._meta.label}.objects>"


class ManyRelatedManager(_Delegating):
    """The manager of one side of a many-to-many relation for one instance."""

    def __init__(self, instance, relation):
        from stagecraft_sim.orm.base import REGISTRY

        if instance.pk is None:
            raise ValueError(
                f'"{instance!r}" needs to have a value for field "{type(instance)._pk_name}" '
                f"before this many-to-many relationship can be used."
            )

        self.instance = instance
        self.relation = relation
        if isinstance(relation, ManyToMany):
            self.model = REGISTRY[relation.to]
        else:
            self.model = REGISTRY[relation.owner]

    def get_queryset(self):
        """Return a query set of the related objects, read when it runs."""
        directory = state.directory()
        instance = self.instance
        relation = self.relation

        if isinstance(relation, ManyToMany):

            def source():
                pks = directory.relation_pks(instance, relation.row_key)
                wanted = {str(pk) for pk in pks}
                return [item for item in directory.instances(self.model) if str(item.pk) in wanted]

        else:

            def source():
                key = str(instance.pk)
                return [
                    item
                    for item in directory.instances(self.model)
                    if key in {str(pk) for pk in directory.relation_pks(item, relation.row_key)}
                ]

        return QuerySet._with_class(queryset_class(self.model), self.model, source)

    def _targets(self, objects, verb):
        targets = []
        for item in objects:
            if isinstance(item, self.model):
                if item.pk is None:
                    raise ValueError(
                        f'Cannot {verb} "{item!r}": the value for field '
                        f'"{self.model._pk_name}" is None'
                    )

                targets.append(item)
            elif hasattr(item, "_meta"):
                raise TypeError(f"'{self.model.__name__}' instance expected, got {item!r}")
            else:
                loaded = self.model._load(item)
                if loaded is None:
                    raise self.model.DoesNotExist(
                        f"{self.model.__name__} matching query does not exist."
                    )

                targets.append(loaded)

        return targets

    def _change(self, add=(), remove=(), replace=None):
        directory = state.directory()
        relation = self.relation
        if isinstance(relation, ManyToMany):
            current = [str(pk) for pk in directory.relation_pks(self.instance, relation.row_key)]
            if replace is not None:
                updated = [str(item.pk) for item in replace]
            else:
                removed = {str(item.pk) for item in remove}
                updated = [pk for pk in current if pk not in removed]
                updated += [str(item.pk) for item in add if str(item.pk) not in updated]

            directory.set_relation(self.instance, relation.row_key, updated)
            return

        # Reverse side (group.users): change each owner's forward list.
        key = str(self.instance.pk)
        owners = {str(item.pk): item for item in self.get_queryset()._fetch_instances()}
        wanted = set(owners) if replace is None else {str(item.pk) for item in replace}
        if replace is None:
            wanted |= {str(item.pk) for item in add}
            wanted -= {str(item.pk) for item in remove}

        candidates = {str(item.pk): item for item in list(add) + list(remove) + list(replace or [])}
        candidates.update(owners)
        for pk, owner in candidates.items():
            current = [str(value) for value in directory.relation_pks(owner, relation.row_key)]
            if pk in wanted and key not in current:
                directory.set_relation(owner, relation.row_key, current + [key])
            elif pk not in wanted and key in current:
                directory.set_relation(owner, relation.row_key, [v for v in current if v != key])

    def add(self, *objects, bulk=True, through_defaults=None):
        """Add objects (instances or primary keys) to the relation."""
        self._change(add=self._targets(objects, "add"))

    def remove(self, *objects, bulk=True):
        """Remove objects from the relation."""
        self._change(remove=self._targets(objects, "remove"))

    def clear(self, bulk=True):
        """Remove every object from the relation."""
        self._change(replace=[])

    def set(self, objects, *, bulk=True, clear=False, through_defaults=None):
        """Make the relation contain exactly ``objects``."""
        targets = self._targets(list(objects), "add")
        self._change(replace=targets)

    def create(self, **kwargs):
        """Create an object and add it to the relation."""
        instance = self.model(**kwargs)
        instance.save()
        self.add(instance)
        return instance


class RelatedManager(_Delegating):
    """The reverse side of a foreign key (``user.usersourceconnection_set``)."""

    def __init__(self, instance, relation):
        from stagecraft_sim.orm.base import REGISTRY

        if instance.pk is None:
            raise ValueError(
                f"'{type(instance).__name__}' instance needs to have a primary key value before "
                f"this relationship can be used."
            )

        self.instance = instance
        self.relation = relation
        self.model = REGISTRY[relation.owner]

    def get_queryset(self):
        """Return the objects whose foreign key points at the instance."""
        return table_queryset(self.model).filter(**{self.relation.fk_name: self.instance.pk})

    def create(self, **kwargs):
        """Create an object pointing at the instance."""
        kwargs[self.relation.fk_name] = self.instance
        return table_queryset(self.model).create(**kwargs)


def related_manager(instance, relation):
    """Return the manager for ``relation`` of ``instance``."""
    if isinstance(relation, (ManyToMany, ReverseManyToMany)):
        return ManyRelatedManager(instance, relation)

    if isinstance(relation, ReverseForeignKey):
        return RelatedManager(instance, relation)

    raise TypeError(f"Unknown relation {relation!r}")
