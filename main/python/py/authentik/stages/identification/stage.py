"""``authentik.stages.identification.stage`` plan context key."""

PLAN_CONTEXT_PENDING_USER_IDENTIFIER = "pending_user_identifier"
