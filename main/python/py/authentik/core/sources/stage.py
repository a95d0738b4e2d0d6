"""``authentik.core.sources.stage`` plan context key of the source connection."""

PLAN_CONTEXT_SOURCES_CONNECTION = "goauthentik.io/sources/connection"
