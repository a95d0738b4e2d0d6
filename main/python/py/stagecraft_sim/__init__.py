"""Stagecraft's runtime for authentik expressions inside Pyodide.

``runner.evaluate`` takes one evaluation request as JSON and returns the result as JSON. The
``authentik``, ``django`` and ``requests`` packages next to this one are shims for expression
code to import. They read and write the simulated directory of the running evaluation.
"""
