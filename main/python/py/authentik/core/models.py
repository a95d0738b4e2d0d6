"""``authentik.core.models``: users, groups, sources and their connections (authentik 2025.12).

Field names and defaults follow authentik's ``authentik/core/models.py``. Groups form a graph
through ``parents`` (several parents per group); ``User.all_groups()`` includes every ancestor.
"""

import uuid
from datetime import datetime, timezone
from functools import cached_property
from hashlib import sha256

from stagecraft_sim import state
from stagecraft_sim.orm.base import Model
from stagecraft_sim.orm.fields import Field, ManyToMany, ReverseForeignKey, ReverseManyToMany

USER_PATH_SYSTEM_PREFIX = "goauthentik.io"
_USER_ATTR_PREFIX = f"{USER_PATH_SYSTEM_PREFIX}/user"
USER_ATTRIBUTE_DEBUG = f"{_USER_ATTR_PREFIX}/debug"
USER_ATTRIBUTE_GENERATED = f"{_USER_ATTR_PREFIX}/generated"
USER_ATTRIBUTE_EXPIRES = f"{_USER_ATTR_PREFIX}/expires"
USER_ATTRIBUTE_DELETE_ON_LOGOUT = f"{_USER_ATTR_PREFIX}/delete-on-logout"
USER_ATTRIBUTE_SOURCES = f"{_USER_ATTR_PREFIX}/sources"
USER_ATTRIBUTE_TOKEN_EXPIRING = f"{_USER_ATTR_PREFIX}/token-expires"
USER_ATTRIBUTE_CHANGE_USERNAME = f"{_USER_ATTR_PREFIX}/can-change-username"
USER_ATTRIBUTE_CHANGE_NAME = f"{_USER_ATTR_PREFIX}/can-change-name"
USER_ATTRIBUTE_CHANGE_EMAIL = f"{_USER_ATTR_PREFIX}/can-change-email"
USER_PATH_SERVICE_ACCOUNT = f"{USER_PATH_SYSTEM_PREFIX}/service-accounts"

# NOTE: authentik derives User.uid from the installation id; the simulation has none and uses
# this fixed value, so `uid` differs from a real server's.
SIMULATED_INSTALL_ID = "stagecraft-simulation"


def _now():
    return datetime.now(timezone.utc)


class UserTypes:
    """Values of ``User.type``."""

    INTERNAL = "internal"
    EXTERNAL = "external"
    SERVICE_ACCOUNT = "service_account"
    INTERNAL_SERVICE_ACCOUNT = "internal_service_account"


class SourceUserMatchingModes:
    """Values of ``Source.user_matching_mode``."""

    IDENTIFIER = "identifier"
    EMAIL_LINK = "email_link"
    EMAIL_DENY = "email_deny"
    USERNAME_LINK = "username_link"
    USERNAME_DENY = "username_deny"


class SourceGroupMatchingModes:
    """Values of ``Source.group_matching_mode``."""

    IDENTIFIER = "identifier"
    NAME_LINK = "name_link"
    NAME_DENY = "name_deny"


class Group(Model):
    """A group; ``parents`` may hold several groups, ``children`` is the reverse."""

    _label = "authentik_core.group"
    _table = "groups"
    _pk_name = "group_uuid"
    _queryset_class_name = "GroupQuerySet"

    group_uuid = Field(default=uuid.uuid4, kind="uuid")
    name = Field(default="", unique=True)
    is_superuser = Field(default=False)
    attributes = Field(default=dict, kind="json")

    parents = ManyToMany("authentik_core.group", row_key="parents", reverse_name="children")
    children = ReverseManyToMany("authentik_core.group", row_key="parents", forward_name="parents")
    users = ReverseManyToMany("authentik_core.user", row_key="groups", forward_name="groups")

    # NOTE: the single `parent` foreign key of older authentik versions is not modelled; use
    # `parents`.

    def __str__(self):
        return f"Group {self.name}"

    @property
    def num_pk(self):
        """A numerical id derived from the UUID, as the LDAP outpost uses it."""
        return int(str(uuid.UUID(str(self.pk)).int)[:5])

    def is_member(self, user):
        """Tell whether ``user`` is a member of this group or of a group below it."""
        return user.all_groups().filter(group_uuid=self.group_uuid).exists()


class User(Model):
    """An authentik user."""

    _label = "authentik_core.user"
    _table = "users"
    _pk_name = "id"
    _queryset_class_name = "UserQuerySet"

    id = Field(default=None)
    username = Field(default="", unique=True)
    name = Field(default="")
    email = Field(default="")
    first_name = Field(default="")
    last_name = Field(default="")
    password = Field(default="")
    is_active = Field(default=True)
    type = Field(default=UserTypes.INTERNAL)
    path = Field(default="users")
    uuid = Field(default=uuid.uuid4, kind="uuid")
    attributes = Field(default=dict, kind="json")
    last_login = Field(default=None, kind="datetime")
    date_joined = Field(default=_now, kind="datetime")
    password_change_date = Field(default=_now, kind="datetime")
    last_updated = Field(default=_now, kind="datetime")

    groups = ManyToMany("authentik_core.group", row_key="groups", reverse_name="users")
    usersourceconnection_set = ReverseForeignKey("authentik_core.usersourceconnection", "user")

    USERNAME_FIELD = "username"

    def __str__(self):
        return self.username

    @property
    def is_authenticated(self):
        """Always True for a user object, as in Django."""
        return True

    @property
    def is_anonymous(self):
        """Always False for a user object."""
        return False

    @cached_property
    def is_superuser(self):
        """Whether any of the user's groups, ancestors included, grants superuser status."""
        return self.all_groups().filter(is_superuser=True).exists()

    @property
    def is_staff(self):
        """Same as ``is_superuser``."""
        return self.is_superuser

    @property
    def ak_groups(self):
        """Deprecated name of ``groups``; logs the server's deprecation warning."""
        state.recorder().log(
            "warning",
            "authentik.core.models",
            "deprecation used",
            {
                "message": "authentik.core.models.User.ak_groups is deprecated and will be removed "
                "in a future version of authentik. Please use authentik.core.models.User.groups "
                "instead.",
                "deprecation": "authentik.core.models.User.ak_groups",
                "replacement": "authentik.core.models.User.groups",
            },
        )
        return self.groups

    @property
    def sources(self):
        """The sources this user is connected to."""
        source_pks = self.usersourceconnection_set.values_list("source", flat=True)
        return Source.objects.filter(pk__in=list(source_pks))

    def all_groups(self):
        """Return the user's groups and every ancestor group."""
        return self.groups.all().with_ancestors()

    def group_attributes(self, request=None):
        """Merge the attributes of all groups (by name) and then the user's own."""
        from authentik.lib.merge import always_merge

        merged = {}
        for group in self.all_groups().order_by("name"):
            always_merge(merged, group.attributes)

        always_merge(merged, self.attributes)
        return merged

    def get_username(self):
        """Return the username."""
        return self.username

    def get_full_name(self):
        """Return the display name."""
        return self.name

    def set_password(self, raw_password, signal=True, sender=None, request=None):
        """Set the password; the simulation stores a marker, never the raw text."""
        self.password = "simulated$" + sha256(str(raw_password).encode("utf-8")).hexdigest()
        self.password_change_date = _now()

    def check_password(self, raw_password):
        """Compare against a password set in this evaluation or given in the directory."""
        stored = self.password or ""
        if stored.startswith("simulated$"):
            return stored == "simulated$" + sha256(str(raw_password).encode("utf-8")).hexdigest()

        return stored != "" and stored == raw_password

    def set_unusable_password(self):
        """Mark the password as unusable."""
        self.password = "!"

    def has_usable_password(self):
        """Tell whether a password is set."""
        return bool(self.password) and not self.password.startswith("!")

    @property
    def uid(self):
        """A globally unique id derived from the user id (see SIMULATED_INSTALL_ID)."""
        return sha256(f"{self.id}-{SIMULATED_INSTALL_ID}".encode("ascii")).hexdigest()

    def locale(self, request=None):
        """Return the locale from the user's settings attribute."""
        try:
            return self.attributes.get("settings", {}).get("locale", "")
        except AttributeError:
            return ""


class Source(Model):
    """Base of all sources; objects come back as their concrete class (OAuthSource, ...)."""

    _label = "authentik_core.source"
    _table = "sources"
    _pk_name = "pbm_uuid"
    _queryset_class_name = "InheritanceQuerySet"

    pbm_uuid = Field(default=uuid.uuid4, kind="uuid")
    policy_engine_mode = Field(default="any")
    name = Field(default="")
    slug = Field(default="", unique=True)
    user_path_template = Field(default="goauthentik.io/sources/%(slug)s")
    enabled = Field(default=True)
    promoted = Field(default=False)
    managed = Field(default=None)
    authentication_flow = Field(default=None)
    enrollment_flow = Field(default=None)
    icon = Field(default="")
    user_matching_mode = Field(default=SourceUserMatchingModes.IDENTIFIER)
    group_matching_mode = Field(default=SourceGroupMatchingModes.IDENTIFIER)

    usersourceconnection_set = ReverseForeignKey("authentik_core.usersourceconnection", "source")

    def __str__(self):
        return str(self.name)

    def get_user_path(self):
        """Return the path new users of this source are created under."""
        try:
            return self.user_path_template % {"slug": self.slug}
        except (KeyError, TypeError, ValueError):
            return self.user_path_template


class UserSourceConnection(Model):
    """The link between a user and a source account."""

    _label = "authentik_core.usersourceconnection"
    _table = "connections"
    _queryset_class_name = "InheritanceQuerySet"

    id = Field(default=None)
    user = Field(kind="fk", to="authentik_core.user")
    source = Field(kind="fk", to="authentik_core.source")
    identifier = Field(default="")
    created = Field(default=_now, kind="datetime")
    last_updated = Field(default=_now, kind="datetime")

    def __str__(self):
        return f"User-source connection (user={self.user_id}, source={self.source_id})"


class GroupSourceConnection(Model):
    """The link between a group and a source group."""

    _label = "authentik_core.groupsourceconnection"
    _table = "group_connections"
    _queryset_class_name = "InheritanceQuerySet"

    id = Field(default=None)
    group = Field(kind="fk", to="authentik_core.group")
    source = Field(kind="fk", to="authentik_core.source")
    identifier = Field(default="")
    created = Field(default=_now, kind="datetime")
    last_updated = Field(default=_now, kind="datetime")

    def __str__(self):
        return f"Group-source connection (group={self.group_id}, source={self.source_id})"


class Provider(Model):
    """Base of providers."""

    _label = "authentik_core.provider"
    _table = "providers"
    _queryset_class_name = "InheritanceQuerySet"

    id = Field(default=None)
    name = Field(default="", unique=True)
    authentication_flow = Field(default=None)
    authorization_flow = Field(default=None)
    invalidation_flow = Field(default=None)
    backchannel_application = Field(default=None)
    is_backchannel = Field(default=False)

    def __str__(self):
        return str(self.name)


class Application(Model):
    """An application. The simulated directory has no applications, so queries return nothing."""

    _label = "authentik_core.application"
    _pk_name = "pbm_uuid"

    pbm_uuid = Field(default=uuid.uuid4, kind="uuid")
    policy_engine_mode = Field(default="any")
    name = Field(default="")
    slug = Field(default="")
    group = Field(default="")
    provider = Field(default=None)
    meta_launch_url = Field(default="")
    open_in_new_tab = Field(default=False)
    meta_icon = Field(default="")
    meta_description = Field(default="")
    meta_publisher = Field(default="")

    def __str__(self):
        return str(self.name)


class Token(Model):
    """An API, recovery or verification token. The simulated directory has no tokens."""

    _label = "authentik_core.token"
    _pk_name = "token_uuid"

    token_uuid = Field(default=uuid.uuid4, kind="uuid")
    identifier = Field(default="")
    key = Field(default="")
    intent = Field(default="verification")
    user = Field(kind="fk", to="authentik_core.user")
    description = Field(default="")
    expires = Field(default=None, kind="datetime")
    expiring = Field(default=True)
    managed = Field(default=None)

    def __str__(self):
        return f"{self.identifier}"


class PropertyMapping(Model):
    """Base of property mappings."""

    _label = "authentik_core.propertymapping"
    _pk_name = "pm_uuid"

    pm_uuid = Field(default=uuid.uuid4, kind="uuid")
    name = Field(default="")
    expression = Field(default="")
    managed = Field(default=None)

    def __str__(self):
        return f"Property Mapping {self.name}"
