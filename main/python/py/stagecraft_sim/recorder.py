"""Collects what an evaluation did: effects, events, log lines and HTTP exchanges."""


class Recorder:
    """Append-only lists that become the fields of the evaluation result."""

    def __init__(self):
        self.effects = []
        self.events = []
        self.logs = []
        self.http = []

    def effect(self, kind, **fields):
        """Record one write or side effect."""
        self.effects.append({"kind": kind, **fields})

    def event(self, action, app, context, user=None):
        """Record an authentik Event, also as an effect because it is a database write."""
        event = {"action": action, "app": app, "context": context, "user": user}
        self.events.append(event)
        self.effects.append({"kind": "event", "event": event})

    def log(self, level, logger, event, fields=None):
        """Record one log line."""
        self.logs.append({"level": level, "logger": logger, "event": event, "fields": fields or {}})
