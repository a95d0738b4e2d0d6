"""``authentik.core.expression.exceptions``."""

from authentik.lib.expression.exceptions import ControlFlowException


class SkipObjectException(ControlFlowException):
    """Raised by a property mapping (as ``SkipObject``) to skip the object being synchronised."""


class PropertyMappingExpressionException(Exception):
    """A property mapping expression failed."""

    def __init__(self, exc, mapping=None):
        super().__init__(str(exc))
        self.exc = exc
        self.mapping = mapping
