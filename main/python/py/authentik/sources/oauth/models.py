"""``authentik.sources.oauth.models``: OAuth sources and their user and group connections."""

from authentik.core.models import GroupSourceConnection, Source, UserSourceConnection
from stagecraft_sim.orm.fields import Field


class OAuthSource(Source):
    """An OAuth 1/2 or OpenID Connect source; ``provider_type`` names the type (``discord``)."""

    _label = "authentik_sources_oauth.oauthsource"

    provider_type = Field(default="openidconnect")
    request_token_url = Field(default=None)
    authorization_url = Field(default=None)
    access_token_url = Field(default=None)
    profile_url = Field(default=None)
    additional_scopes = Field(default="")
    consumer_key = Field(default="")
    consumer_secret = Field(default="")
    oidc_well_known_url = Field(default="")
    oidc_jwks_url = Field(default="")
    oidc_jwks = Field(default=dict, kind="json")
    pkce = Field(default="none")
    authorization_code_auth_method = Field(default="basic_auth")


class UserOAuthSourceConnection(UserSourceConnection):
    """A user's OAuth account, with the tokens of the last login."""

    _label = "authentik_sources_oauth.useroauthsourceconnection"

    access_token = Field(default=None)
    refresh_token = Field(default=None)
    expires = Field(default=None, kind="datetime")


class GroupOAuthSourceConnection(GroupSourceConnection):
    """A group synchronised from an OAuth source."""

    _label = "authentik_sources_oauth.groupoauthsourceconnection"
