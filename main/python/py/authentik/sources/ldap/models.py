"""``authentik.sources.ldap.models``."""

from authentik.core.models import Source, UserSourceConnection
from stagecraft_sim.orm.fields import Field


class LDAPSource(Source):
    """An LDAP source."""

    _label = "authentik_sources_ldap.ldapsource"

    server_uri = Field(default="")
    bind_cn = Field(default="")
    base_dn = Field(default="")
    additional_user_dn = Field(default="")
    additional_group_dn = Field(default="")
    user_object_filter = Field(default="(objectClass=person)")
    group_object_filter = Field(default="(objectClass=group)")
    object_uniqueness_field = Field(default="objectSid")
    sync_users = Field(default=True)
    sync_groups = Field(default=True)


class UserLDAPSourceConnection(UserSourceConnection):
    """A user's LDAP entry."""

    _label = "authentik_sources_ldap.userldapsourceconnection"
