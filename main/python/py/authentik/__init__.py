"""Shim of the ``authentik`` package for expressions run by Stagecraft.

Modules here carry the names that expression code imports (models, constants, exception and
result classes). Models read and write the simulated directory of the running evaluation.
"""

# The authentik release whose behaviour this shim follows.
__version__ = "2025.12.0"
VERSION = __version__


def get_full_version():
    """Return the version string authentik puts in its User-Agent."""
    return __version__
