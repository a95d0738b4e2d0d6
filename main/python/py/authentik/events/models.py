"""``authentik.events.models``: Event, recorded as an effect instead of stored."""

from stagecraft_sim import state


class EventAction:
    """Event actions authentik defines (a subset); custom strings are allowed too."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    USER_WRITE = "user_write"
    SUSPICIOUS_REQUEST = "suspicious_request"
    PASSWORD_SET = "password_set"
    SOURCE_LINKED = "source_linked"
    AUTHORIZE_APPLICATION = "authorize_application"
    POLICY_EXECUTION = "policy_execution"
    POLICY_EXCEPTION = "policy_exception"
    PROPERTY_MAPPING_EXCEPTION = "property_mapping_exception"
    CONFIGURATION_ERROR = "configuration_error"
    CONFIGURATION_WARNING = "configuration_warning"
    MODEL_CREATED = "model_created"
    MODEL_UPDATED = "model_updated"
    MODEL_DELETED = "model_deleted"
    EMAIL_SENT = "email_sent"
    CUSTOM_PREFIX = "custom_"


class Event:
    """An audit event. ``save()`` records it in the evaluation result."""

    def __init__(self, action, app="", context=None, user=None):
        self.action = action
        self.app = app
        self.context = context or {}
        self.user = user

    @staticmethod
    def new(action, app=None, **kwargs):
        """Create an unsaved event with ``kwargs`` as its context."""
        return Event(action=str(action), app=app or "authentik.simulated", context=kwargs)

    def set_user(self, user):
        """Set the event's user."""
        self.user = user
        return self

    def from_http(self, request, user=None):
        """Take the user from the HTTP request (or ``user``) and save the event."""
        self.user = user or getattr(request, "user", None) or self.user
        self.save()
        return self

    def save(self, *args, **kwargs):
        """Record the event."""
        from stagecraft_sim.convert import event_context

        username = getattr(self.user, "username", None) if self.user is not None else None
        state.recorder().event(self.action, self.app, event_context(self.context), username)

    def __str__(self):
        return f"Event action={self.action} user={self.user} context={self.context}"
