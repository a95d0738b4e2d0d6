"""``authentik.sources.scim.models``."""

from authentik.core.models import Source
from stagecraft_sim.orm.fields import Field


class SCIMSource(Source):
    """A SCIM source."""

    _label = "authentik_sources_scim.scimsource"

    token = Field(default=None)
