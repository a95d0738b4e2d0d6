"""``authentik.policies.exceptions``."""


class PolicyException(Exception):
    """An expression policy failed; the binding's failure_result applies."""
