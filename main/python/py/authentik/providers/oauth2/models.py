"""``authentik.providers.oauth2.models``: OAuth2 providers, for ``ak_create_jwt``."""

from authentik.core.models import Provider
from stagecraft_sim.orm.fields import Field


class ClientTypes:
    """Values of ``OAuth2Provider.client_type``."""

    CONFIDENTIAL = "confidential"
    PUBLIC = "public"


class OAuth2Provider(Provider):
    """An OAuth2/OpenID provider."""

    _label = "authentik_providers_oauth2.oauth2provider"

    client_type = Field(default=ClientTypes.CONFIDENTIAL)
    client_id = Field(default="")
    client_secret = Field(default="")
    redirect_uris = Field(default=list, kind="json")
    include_claims_in_id_token = Field(default=True)
    issuer_mode = Field(default="per_provider")
    signing_key = Field(default=None)
    access_code_validity = Field(default="minutes=1")
    access_token_validity = Field(default="hours=1")
    refresh_token_validity = Field(default="days=30")
    sub_mode = Field(default="hashed_user_id")
