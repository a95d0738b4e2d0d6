"""Django's AnonymousUser: the ``request.user`` of a visitor who has not logged in."""

from stagecraft_sim.orm.anonymous import AnonymousUser

__all__ = ["AnonymousUser"]
