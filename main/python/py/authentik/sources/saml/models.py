"""``authentik.sources.saml.models``."""

from authentik.core.models import Source, UserSourceConnection
from stagecraft_sim.orm.fields import Field


class SAMLSource(Source):
    """A SAML source."""

    _label = "authentik_sources_saml.samlsource"

    pre_authentication_flow = Field(default=None)
    issuer = Field(default="")
    sso_url = Field(default="")
    slo_url = Field(default=None)
    allow_idp_initiated = Field(default=False)
    name_id_policy = Field(default="urn:oasis:names:tc:SAML:2.0:nameid-format:persistent")
    binding_type = Field(default="REDIRECT")


class UserSAMLSourceConnection(UserSourceConnection):
    """A user's SAML identity."""

    _label = "authentik_sources_saml.usersamlsourceconnection"
