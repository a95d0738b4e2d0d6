"""``authentik.sources.kerberos.models``."""

from authentik.core.models import Source, UserSourceConnection
from stagecraft_sim.orm.fields import Field


class KerberosSource(Source):
    """A Kerberos source."""

    _label = "authentik_sources_kerberos.kerberossource"

    realm = Field(default="")
    krb5_conf = Field(default="")


class UserKerberosSourceConnection(UserSourceConnection):
    """A user's Kerberos principal."""

    _label = "authentik_sources_kerberos.userkerberossourceconnection"
