"""``authentik.stages.prompt.stage`` plan context key."""

PLAN_CONTEXT_PROMPT = "prompt_data"
