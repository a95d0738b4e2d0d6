"""Import restrictions that keep expression code away from the JavaScript host.

What ``lock_down()`` blocks (the worker calls it after start-up):
- importing ``js``, ``pyodide_js``, ``pyodide``, ``_pyodide``, ``_pyodide_core``, ``micropip``
  or ``pyodide_http`` (or a submodule) raises ModuleNotFoundError. These modules are removed
  from ``sys.modules``, and Pyodide's finder for JavaScript modules leaves ``sys.meta_path``;
- the environment keeps only HOME, LANG, PATH, PWD, USER and LOGNAME.
The worker adds limits on the JavaScript side: an empty object as the ``js`` module, no host
file system mounts and no package loading.

NOTE: this is defence in depth, not isolation. Code that walks the interpreter's object graph
(``gc.get_objects()``) can still find Pyodide's internal module objects and, through them, the
worker thread's JavaScript globals such as ``process`` (whose ``env`` is empty).
"""

import os
import sys

BLOCKED_MODULES = (
    "js",
    "pyodide_js",
    "pyodide",
    "_pyodide",
    "_pyodide_core",
    "micropip",
    "pyodide_http",
)
KEPT_ENVIRONMENT = ("HOME", "LANG", "PATH", "PWD", "USER", "LOGNAME")


def _is_blocked(name):
    return name.split(".", 1)[0] in BLOCKED_MODULES


class BlockedImportFinder:
    """A meta path finder that refuses the blocked modules before any other finder looks."""

    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if _is_blocked(name):
            raise ModuleNotFoundError(
                f"No module named '{name}': the Stagecraft sandbox does not let expressions "
                f"reach the JavaScript host.",
                name=name,
            )

        return None

    @classmethod
    def invalidate_caches(cls):
        """Nothing to invalidate."""


def lock_down():
    """Apply the restrictions; call once after every sandbox module has been imported."""
    for name in list(sys.modules):
        if _is_blocked(name):
            del sys.modules[name]

    sys.meta_path[:] = [
        finder
        for finder in sys.meta_path
        if not getattr(type(finder), "__module__", "").startswith(("_pyodide", "pyodide"))
        and not getattr(finder, "__module__", "").startswith(("_pyodide", "pyodide"))
    ]
    sys.meta_path.insert(0, BlockedImportFinder)

    for key in list(os.environ):
        if key not in KEPT_ENVIRONMENT:
            del os.environ[key]
