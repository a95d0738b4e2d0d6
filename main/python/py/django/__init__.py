"""The few Django names that authentik expressions import, backed by the simulated directory.

Only what policies use is here: exceptions, ``Q``, ``slugify``, ``timezone.now`` and
``AnonymousUser``. Nothing of Django itself is installed in the sandbox.
"""

VERSION = (5, 2, 0, "final", 0)
