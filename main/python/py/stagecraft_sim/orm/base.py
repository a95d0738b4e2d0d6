"""A small stand-in for Django models over the simulated directory.

Instances behave as Django model instances do for expression code. They have field attributes,
``pk``, foreign keys that load on access, related managers, ``DoesNotExist`` per model and the
same ``repr``/``str``. ``save()`` and ``delete()`` write to the directory of the running
evaluation and are recorded as effects. Each query builds fresh instances from directory rows,
so changes to an instance stay local until ``save()``, as with a database.
"""

from django.core.exceptions import FieldDoesNotExist, MultipleObjectsReturned, ObjectDoesNotExist

from stagecraft_sim import state
from stagecraft_sim.orm.fields import (
    MISSING,
    Field,
    ManyToMany,
    ReverseForeignKey,
    ReverseManyToMany,
)

# Model label (``app_label.modelname``) to class, filled as model classes are defined.
REGISTRY = {}


class Options:
    """The parts of Django's ``_meta`` that expressions and the ORM read."""

    def __init__(self, model):
        self.model = model
        self.label_lower = model._label
        self.app_label, self.model_name = model._label.split(".", 1)
        self.object_name = model.__name__
        self.label = f"{self.app_label}.{model.__name__}"
        self.verbose_name = model._verbose_name or model.__name__.lower()
        self.pk_name = model._pk_name

    def get_field(self, name):
        """Return the field called ``name``; raises FieldDoesNotExist with Django's message."""
        field = self.model._fields.get(name) or self.model._relations.get(name)
        if field is None:
            raise FieldDoesNotExist(f"{self.object_name} has no field named '{name}'")

        return field

    def get_fields(self):
        """Return the concrete fields and relations."""
        return list(self.model._fields.values()) + list(self.model._relations.values())


class ForeignKeyDescriptor:
    """Loads the related object of a foreign key on first access and caches it."""

    def __init__(self, name, to):
        self.name = name
        self.to = to

    def __get__(self, instance, owner):
        if instance is None:
            return self

        cache = instance.__dict__.setdefault("_fk_cache", {})
        if self.name in cache:
            return cache[self.name]

        related_pk = instance.__dict__.get(f"{self.name}_id")
        if related_pk is None:
            return None

        target = REGISTRY[self.to]
        related = target._load(related_pk)
        if related is None:
            raise target.DoesNotExist(f"{target.__name__} matching query does not exist.")

        cache[self.name] = related
        return related

    def __set__(self, instance, value):
        cache = instance.__dict__.setdefault("_fk_cache", {})
        cache[self.name] = value
        instance.__dict__[f"{self.name}_id"] = None if value is None else value.pk


class RelationDescriptor:
    """Returns a related manager for a many-to-many or reverse relation."""

    def __init__(self, relation):
        self.relation = relation

    def __get__(self, instance, owner):
        if instance is None:
            return self

        from stagecraft_sim.orm.related import related_manager

        return related_manager(instance, self.relation)

    def __set__(self, instance, value):
        # Django forbids direct assignment to the forward side of a many-to-many set.
        raise TypeError(
            f"Direct assignment to the forward side of a many-to-many set is prohibited. "
            f"Use {self.relation.name}.set() instead."
        )


class ManagerDescriptor:
    """``Model.objects``: a manager bound to the model, not reachable from instances."""

    def __get__(self, instance, owner):
        if instance is not None:
            raise AttributeError(f"Manager isn't accessible via {owner.__name__} instances")

        from stagecraft_sim.orm.related import Manager

        return Manager(owner)


class Model:
    """Base of every simulated authentik model."""

    _label = "stagecraft.model"
    # Directory table the rows live in; subclasses of one concrete model share the table.
    _table = None
    _pk_name = "id"
    _verbose_name = None
    _fields = {}
    _relations = {}
    _queryset_class_name = "QuerySet"
    _abstract = True

    objects = ManagerDescriptor()
    DoesNotExist = ObjectDoesNotExist
    MultipleObjectsReturned = MultipleObjectsReturned

    def __init_subclass__(cls, abstract=False, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._abstract = abstract
        fields = {}
        relations = {}
        for base in reversed(cls.__mro__[1:]):
            fields.update(base.__dict__.get("_own_fields", {}))
            relations.update(base.__dict__.get("_own_relations", {}))

        own_fields = {}
        own_relations = {}
        for name, value in list(cls.__dict__.items()):
            if isinstance(value, Field):
                value.name = name
                own_fields[name] = value
                delattr(cls, name)
            elif isinstance(value, (ManyToMany, ReverseManyToMany, ReverseForeignKey)):
                value.name = name
                own_relations[name] = value

        cls._own_fields = own_fields
        cls._own_relations = own_relations
        fields.update(own_fields)
        relations.update(own_relations)
        cls._fields = fields
        cls._relations = relations

        for name, field in own_fields.items():
            if field.kind == "fk":
                setattr(cls, name, ForeignKeyDescriptor(name, field.to))

        for name, relation in own_relations.items():
            setattr(cls, name, RelationDescriptor(relation))

        # Each model gets its own DoesNotExist and MultipleObjectsReturned, subclassing the
        # parent model's, so `except Source.DoesNotExist` also catches OAuthSource's.
        parent = next((base for base in cls.__mro__[1:] if issubclass(base, Model)), Model)
        cls.DoesNotExist = type(
            "DoesNotExist", (parent.DoesNotExist,), {"__module__": cls.__module__}
        )
        cls.MultipleObjectsReturned = type(
            "MultipleObjectsReturned",
            (parent.MultipleObjectsReturned,),
            {"__module__": cls.__module__},
        )
        cls.DoesNotExist.__qualname__ = f"{cls.__name__}.DoesNotExist"
        cls.MultipleObjectsReturned.__qualname__ = f"{cls.__name__}.MultipleObjectsReturned"

        if not abstract:
            REGISTRY[cls._label] = cls
            cls._meta = Options(cls)

    def __init__(self, **kwargs):
        cls = type(self)
        if cls._abstract:
            raise TypeError(f"Abstract models cannot be instantiated: {cls.__name__}")

        for name, field in cls._fields.items():
            if field.kind == "fk":
                self.__dict__[f"{name}_id"] = None
            else:
                self.__dict__[name] = field.make_default()

        unknown = []
        for key, value in kwargs.items():
            if key == "pk":
                setattr(self, cls._pk_name, value)
            elif key in cls._fields or key.endswith("_id") and key[:-3] in cls._fields:
                setattr(self, key, value)
            else:
                unknown.append(key)

        if unknown:
            names = ", ".join(f"'{name}'" for name in unknown)
            raise TypeError(f"{cls.__name__}() got unexpected keyword arguments: {names}")

        self.__dict__["_state_adding"] = True

    @classmethod
    def _from_row(cls, row):
        """Build an instance from a directory row, as a query result would be."""
        instance = cls.__new__(cls)
        for name, field in cls._fields.items():
            value = row.get(name, MISSING)
            if name == cls._pk_name and value is MISSING:
                value = row.get("pk", MISSING)

            if field.kind == "fk":
                instance.__dict__[f"{name}_id"] = None if value is MISSING else value
                continue

            instance.__dict__[name] = (
                field.make_default() if value is MISSING else field.from_row(value)
            )

        # Row keys that the model does not declare are kept, so that data the simulator sent
        # for a field this shim does not model is still visible to the expression.
        for key, value in row.items():
            if key in ("pk", "model", "$model") or key in cls._fields or key in cls._relations:
                continue

            if key in ("groups", "parents", "devices"):
                continue

            instance.__dict__.setdefault(key, value)

        instance.__dict__["_state_adding"] = False
        return instance

    @classmethod
    def _load(cls, pk):
        """Return a fresh instance of the row with primary key ``pk``, or None."""
        row = state.directory().find_row(cls, pk)
        if row is None:
            return None

        concrete = REGISTRY.get(row.get("model"), cls)
        return concrete._from_row(row)

    @property
    def pk(self):
        """The primary key value, whatever the primary key field is called."""
        return self.__dict__.get(type(self)._pk_name)

    @pk.setter
    def pk(self, value):
        self.__dict__[type(self)._pk_name] = value

    def __eq__(self, other):
        if not isinstance(other, Model):
            return NotImplemented

        if type(self)._table != type(other)._table:
            return False

        if self.pk is None:
            return self is other

        return str(self.pk) == str(other.pk)

    def __hash__(self):
        if self.pk is None:
            raise TypeError("Model instances without primary key value are unhashable")

        return hash(str(self.pk))

    def __repr__(self):
        return f"<{type(self).__name__}: {self}>"

    def __str__(self):
        return f"{type(self).__name__} object ({self.pk})"

    def __reduce_ex__(self, protocol):
        # deepcopy (used by ak_call_policy in newer authentik) copies the field values.
        return (_rebuild, (type(self), dict(self.__dict__)))

    def save(self, *args, update_fields=None, **kwargs):
        """Write the instance to the simulated directory and record the change as an effect."""
        state.directory().save(self, update_fields=update_fields)

    def delete(self, *args, **kwargs):
        """Remove the instance from the simulated directory and record the deletion."""
        if self.pk is None:
            raise ValueError(
                f"{type(self).__name__} object can't be deleted because its "
                f"{type(self)._pk_name} attribute is set to None."
            )

        return state.directory().delete(self)

    def refresh_from_db(self, *args, **kwargs):
        """Reload the field values from the directory."""
        fresh = type(self)._load(self.pk)
        if fresh is None:
            raise type(self).DoesNotExist(f"{type(self).__name__} matching query does not exist.")

        self.__dict__.update(fresh.__dict__)
        self.__dict__.pop("_fk_cache", None)

    def full_clean(self, *args, **kwargs):
        """Accept the instance; field validation is not simulated."""


def _rebuild(cls, values):
    instance = cls.__new__(cls)
    instance.__dict__.update(values)
    return instance
