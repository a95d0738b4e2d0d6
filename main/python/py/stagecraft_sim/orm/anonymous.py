"""Django's AnonymousUser, the ``request.user`` of a visitor who is not logged in.

It is not a model: it has no ``attributes``, ``all_groups`` or ``pk`` value, and writing it
raises NotImplementedError, exactly what policies hit on the server when they assume a user.
"""

from stagecraft_sim.orm.query import QuerySet


class EmptyManager:
    """A manager that always returns an empty query set (``AnonymousUser.groups``)."""

    def __init__(self, model_name):
        self._model_name = model_name

    def get_queryset(self):
        """Return an empty query set."""
        return QuerySet(None, lambda: [])

    def all(self):
        """Return an empty query set."""
        return self.get_queryset()

    def filter(self, *args, **kwargs):
        """Return an empty query set."""
        return self.get_queryset()

    exclude = filter

    def count(self):
        """Return 0."""
        return 0

    def exists(self):
        """Return False."""
        return False

    def __iter__(self):
        raise TypeError("'EmptyManager' object is not iterable")


_NO_DB = "Django doesn't provide a DB representation for AnonymousUser."


class AnonymousUser:
    """A visitor without an account."""

    id = None
    pk = None
    username = ""
    is_staff = False
    is_active = False
    is_superuser = False
    _groups = EmptyManager("group")
    _user_permissions = EmptyManager("permission")

    def __str__(self):
        return "AnonymousUser"

    def __repr__(self):
        return "<django.contrib.auth.models.AnonymousUser object>"

    def __eq__(self, other):
        return isinstance(other, self.__class__)

    def __hash__(self):
        return 1

    def __int__(self):
        raise TypeError(
            "Cannot cast AnonymousUser to int. Are you trying to use it in place of User?"
        )

    def save(self):
        """Raise: an anonymous user has no database row."""
        raise NotImplementedError(_NO_DB)

    def delete(self):
        """Raise: an anonymous user has no database row."""
        raise NotImplementedError(_NO_DB)

    def set_password(self, raw_password):
        """Raise: an anonymous user has no database row."""
        raise NotImplementedError(_NO_DB)

    def check_password(self, raw_password):
        """Raise: an anonymous user has no database row."""
        raise NotImplementedError(_NO_DB)

    @property
    def groups(self):
        """An empty manager."""
        return self._groups

    @property
    def user_permissions(self):
        """An empty manager."""
        return self._user_permissions

    def get_user_permissions(self, obj=None):
        """Return no permissions."""
        return set()

    def get_group_permissions(self, obj=None):
        """Return no permissions."""
        return set()

    def get_all_permissions(self, obj=None):
        """Return no permissions."""
        return set()

    def has_perm(self, perm, obj=None):
        """Return False."""
        return False

    def has_perms(self, perm_list, obj=None):
        """Return False."""
        return False

    def has_module_perms(self, module):
        """Return False."""
        return False

    @property
    def is_anonymous(self):
        """Always True."""
        return True

    @property
    def is_authenticated(self):
        """Always False."""
        return False

    def get_username(self):
        """Return the empty username."""
        return self.username
