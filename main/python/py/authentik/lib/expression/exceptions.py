"""``authentik.lib.expression.exceptions``."""


class ControlFlowException(Exception):
    """Raised by an expression to steer its caller; not reported as an expression error."""
