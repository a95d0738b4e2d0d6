"""The evaluation that is running now, reached by the shim modules.

Pyodide runs one evaluation at a time per worker, so a module-level slot is enough.
"""

from contextlib import contextmanager

_current = None


class NoEvaluationError(RuntimeError):
    """A shim was used outside a running evaluation."""


def current():
    """Return the running evaluation."""
    if _current is None:
        raise NoEvaluationError(
            "No Stagecraft evaluation is running; authentik models only work inside one."
        )

    return _current


def directory():
    """Return the simulated directory of the running evaluation."""
    return current().directory


def recorder():
    """Return the effect, event and log recorder of the running evaluation."""
    return current().recorder


@contextmanager
def activate(evaluation):
    """Make ``evaluation`` the running one for the duration of the block."""
    global _current
    previous = _current
    _current = evaluation
    try:
        yield evaluation
    finally:
        _current = previous
