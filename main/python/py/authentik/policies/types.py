"""``authentik.policies.types``: PolicyRequest and PolicyResult."""


class PolicyRequest:
    """The input of a policy: the user, the HTTP request, the bound object and the context."""

    def __init__(self, user):
        self.user = user
        self.http_request = None
        self.obj = None
        self.context = {}
        self.debug = False

    def set_http_request(self, request):
        """Attach the HTTP request."""
        self.http_request = request

    def __str__(self):
        text = f"<PolicyRequest user={self.user}"
        if self.obj:
            text += f" obj={self.obj}"
        if self.http_request:
            text += f" http_request={self.http_request}"
        return text + ">"

    def __repr__(self):
        return (
            f"PolicyRequest(user={self.user!r}, http_request={self.http_request!r}, "
            f"obj={self.obj!r}, context={self.context!r}, debug={self.debug!r})"
        )


class PolicyResult:
    """The outcome of a policy: ``passing``, ``messages`` and the expression's ``raw_result``."""

    def __init__(self, passing, *messages):
        self.passing = passing
        self.messages = messages
        self.raw_result = None
        self.source_binding = None
        self.source_results = []
        self.log_messages = []

    def __repr__(self):
        return self.__str__()

    def __str__(self):
        if self.messages:
            return f"<PolicyResult passing={self.passing} messages={self.messages}>"
        return f"<PolicyResult passing={self.passing}>"
