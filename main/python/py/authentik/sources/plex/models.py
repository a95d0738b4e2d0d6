"""``authentik.sources.plex.models``."""

from authentik.core.models import Source, UserSourceConnection
from stagecraft_sim.orm.fields import Field


class PlexSource(Source):
    """A Plex source. It has no ``provider_type``, unlike OAuth sources."""

    _label = "authentik_sources_plex.plexsource"

    client_id = Field(default="")
    allowed_servers = Field(default=list, kind="json")
    allow_friends = Field(default=True)
    plex_token = Field(default="")


class UserPlexSourceConnection(UserSourceConnection):
    """A user's Plex account."""

    _label = "authentik_sources_plex.userplexsourceconnection"

    plex_token = Field(default="")
