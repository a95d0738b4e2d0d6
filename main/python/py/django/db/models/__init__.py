"""``django.db.models`` names used in expressions: ``Q`` and the query set class."""

from stagecraft_sim.orm.query import Q, QuerySet

__all__ = ["Q", "QuerySet"]
