"""authentik's expression evaluators, reproduced for the sandbox.

Sources of the behaviour: ``authentik/lib/expression/evaluator.py`` (BaseEvaluator: wrapping,
globals, error handling), ``authentik/policies/expression/evaluator.py`` (PolicyEvaluator) and
``authentik/core/expression/evaluator.py`` (PropertyMappingEvaluator), as of 2025.12.

The expression is indented into ``def handler(<context keys>):`` followed by
``result = handler(<context keys>)``, compiled with the policy or mapping name as file name and
run with ``exec(code, globals, locals)``. A top-level ``return`` therefore works, no ``return``
gives None, and line numbers in tracebacks are the user's line + 1, as on the server.
"""

import re
from collections import OrderedDict
from functools import lru_cache
from textwrap import indent

from django.core.exceptions import ValidationError
from django.utils.text import slugify

from authentik.core.expression.exceptions import SkipObjectException
from authentik.events.models import Event
from authentik.lib.expression.exceptions import ControlFlowException
from authentik.policies.exceptions import PolicyException
from authentik.policies.types import PolicyRequest, PolicyResult
from stagecraft_sim import helpers
from stagecraft_sim.convert import to_json

ARG_SANITIZE = re.compile(r"[:.-]")

# ak_call_policy can recurse; this bounds it before Python's own recursion limit is reached
# inside the WebAssembly stack.
MAX_POLICY_CALL_DEPTH = 32

# Compiled code objects by (file name, context keys, expression). authentik compiles on every
# run. The code object is the same, so caching changes nothing but the time taken.
_COMPILE_CACHE = OrderedDict()
_COMPILE_CACHE_SIZE = 256


@lru_cache(maxsize=1024)
def sanitize_arg(arg_name):
    """Turn a context key into a parameter name: Django's slugify, then ``: . -`` to ``_``."""
    return ARG_SANITIZE.sub("_", slugify(arg_name))


def wrap_expression(expression, keys):
    """Wrap ``expression`` into a handler function taking ``keys`` and a call saving ``result``."""
    handler_signature = ",".join([name for name in [sanitize_arg(key) for key in keys] if name])
    full_expression = f"def handler({handler_signature}):\n"
    full_expression += indent(expression, "    ")
    full_expression += f"\nresult = handler({handler_signature})"
    return full_expression


def compile_wrapped(expression, keys, filename):
    """Compile the wrapped expression; raises SyntaxError or ValueError like ``compile``."""
    cache_key = (filename, tuple(keys), expression)
    code = _COMPILE_CACHE.get(cache_key)
    if code is not None:
        _COMPILE_CACHE.move_to_end(cache_key)
        return code

    code = compile(wrap_expression(expression, keys), filename, "exec")
    _COMPILE_CACHE[cache_key] = code
    if len(_COMPILE_CACHE) > _COMPILE_CACHE_SIZE:
        _COMPILE_CACHE.popitem(last=False)

    return code


class BaseEvaluator:
    """Compiles and runs expressions with authentik's globals."""

    def __init__(self, evaluation, filename=None):
        from requests.sessions import Session

        self.evaluation = evaluation
        self.filename = filename if filename else "BaseEvaluator"
        self.context = {}
        # The original exception of the last failed run, with the evaluator frame removed.
        self.last_error = None

        session = Session()
        session.headers["User-Agent"] = helpers.AUTHENTIK_USER_AGENT
        self.globals = {
            "ak_call_policy": self.expr_func_call_policy,
            "ak_create_event": self.expr_event_create,
            "ak_create_jwt": self.expr_create_jwt,
            "ak_create_jwt_raw": self.expr_create_jwt_raw,
            "ak_logger": helpers.StructLogger(self.filename),
            "ak_send_email": self.expr_send_email,
            "requests": session,
            **helpers.STATIC_GLOBALS,
        }

    # Running ----------------------------------------------------------------------------

    def compile(self, expression):
        """Parse the wrapped expression."""
        return compile_wrapped(expression, list(self.context), self.filename)

    def evaluate(self, expression_source):
        """Run the expression and return its result; errors go through ``handle_error``."""
        try:
            code = self.compile(expression_source)
        except (SyntaxError, ValueError) as exc:
            self.last_error = exc
            self.handle_error(exc, expression_source)
            raise exc

        try:
            local_values = {sanitize_arg(key): value for key, value in self.context.items()}
            exec(
                code, self.globals, local_values
            )  # noqa: S102 - running the expression is the point
            result = local_values["result"]
        except Exception as exc:
            # As authentik does, drop the frame of this function so the traceback starts at the
            # expression.
            if exc.__traceback__ is not None:
                exc.__traceback__ = exc.__traceback__.tb_next

            self.last_error = exc
            if not isinstance(exc, ControlFlowException):
                self.handle_error(exc, expression_source)

            raise exc

        return result

    def handle_error(self, exc, expression_source):
        """Log the error (subclasses raise or record instead)."""
        self.evaluation.recorder.log(
            "warning", "authentik.lib.expression.evaluator", "Expression error", {"exc": str(exc)}
        )

    def validate(self, expression):
        """Compile the expression; raises ValidationError with authentik's message on bad syntax."""
        try:
            self.compile(expression)
            return True
        except (ValueError, SyntaxError) as exc:
            self.last_error = exc
            raise ValidationError(f"Expression Syntax Error: {str(exc)}") from exc

    # Globals ----------------------------------------------------------------------------

    def expr_event_create(self, action, **kwargs):
        """Create an event with the evaluator context and ``kwargs`` as its context."""
        context = self.context.copy()
        context.pop("result", None)
        context.pop("handler", None)
        context.update(kwargs)
        event = Event.new(action, app=self.filename, **context)
        policy_request = context.get("request")
        if isinstance(policy_request, PolicyRequest) and policy_request.http_request:
            event.from_http(policy_request.http_request)
            return

        event.save()

    def expr_func_call_policy(self, name, **kwargs):
        """Run another expression policy of the request's ``policies`` with the current request."""
        from authentik.core.models import User

        expression = (self.evaluation.policies or {}).get(name)
        if expression is None:
            raise ValueError(f"Policy '{name}' not found.")

        if "request" in self.context:
            # authentik 2025.12 passes the current request itself, so the keyword arguments
            # also change the calling policy's context (newer versions deep-copy it first).
            policy_request = self.context["request"]
        else:
            policy_request = PolicyRequest(self.context.get("user", User(username="AnonymousUser")))

        policy_request.context.update(kwargs)
        if self.evaluation.call_depth >= MAX_POLICY_CALL_DEPTH:
            raise RecursionError(
                f"ak_call_policy calls are nested more than {MAX_POLICY_CALL_DEPTH} levels deep."
            )

        self.evaluation.call_depth += 1
        try:
            result, _ = run_policy_process(self.evaluation, name, expression, policy_request)
        finally:
            self.evaluation.call_depth -= 1

        self.evaluation.recorder.effect(
            "policy_called",
            name=name,
            passing=bool(result.passing),
            messages=[str(message) for message in result.messages],
        )
        return result

    def expr_create_jwt(self, user, provider, scopes, validity="seconds=60"):
        """Issue a token for ``user``; None without an HTTP request, as on the server."""
        if not self.context.get("http_request"):
            return None

        provider = helpers.find_provider(provider)
        issued = helpers.now()
        # NOTE: authentik signs with the provider's signing key and adds the claims of the
        # scope mappings. The simulation signs with HS256 and the client secret, and it sets only
        # the standard claims below.
        claims = {
            "iss": f"simulated-provider:{provider.name}",
            "sub": getattr(user, "uid", None),
            "aud": provider.client_id,
            "exp": int((issued + helpers.timedelta_from_string(validity)).timestamp()),
            "iat": int(issued.timestamp()),
            "auth_time": int(issued.timestamp()),
            "scope": " ".join(scopes or []),
        }
        self.evaluation.recorder.effect(
            "jwt_issued", provider=provider.name, claims=to_json(claims)
        )
        return helpers.encode_jwt(claims, provider.client_secret)

    def expr_create_jwt_raw(self, provider, validity="seconds=60", **kwargs):
        """Issue a token with exactly the given claims plus ``exp`` and ``aud``."""
        provider = helpers.find_provider(provider)
        kwargs["exp"] = int((helpers.now() + helpers.timedelta_from_string(validity)).timestamp())
        kwargs["aud"] = provider.client_id
        self.evaluation.recorder.effect(
            "jwt_issued", provider=provider.name, claims=to_json(kwargs)
        )
        return helpers.encode_jwt(kwargs, provider.client_secret)

    def expr_send_email(
        self,
        address,
        subject,
        body=None,
        stage=None,
        template=None,
        context=None,
        cc=None,
        bcc=None,
    ):
        """Record an email instead of sending it; returns True as a queued email does."""
        if body and template:
            raise ValueError("body and template parameters are mutually exclusive")

        if not body and not template:
            raise ValueError("Either body or template parameter must be provided")

        self.evaluation.recorder.effect(
            "email",
            to=helpers.normalize_addresses(address),
            cc=helpers.normalize_addresses(cc),
            bcc=helpers.normalize_addresses(bcc),
            subject=str(subject),
            body=None if body is None else str(body),
            template=None if template is None else str(template),
            stage=None if stage is None else str(stage),
        )
        return True


class PolicyEvaluator(BaseEvaluator):
    """The evaluator of expression policies."""

    def __init__(self, evaluation, policy_name=None):
        super().__init__(evaluation, policy_name or "PolicyEvaluator")
        self.messages = []
        # Set when the expression raised an error that authentik turns into PolicyException.
        self.failed = False
        # Set when the expression returned (raw_result is meaningful).
        self.returned = False
        self.context["ak_message"] = self.expr_func_message
        self.context["ak_user_has_authenticator"] = helpers.expr_func_user_has_authenticator

    def expr_func_message(self, message):
        """Add ``message`` to the policy result's messages."""
        self.messages.append(message)
        self.evaluation.recorder.effect("message", text=str(message))

    def set_policy_request(self, request):
        """Add the request-dependent variables, in authentik's order."""
        self.context["ak_is_sso_flow"] = request.context.get("is_sso", False)
        if request.http_request:
            self.set_http_request(request.http_request)

        self.context["request"] = request
        self.context["context"] = request.context

    def set_http_request(self, request):
        """Add ``ak_client_ip`` and ``http_request``."""
        from ipaddress import ip_address

        self.context["ak_client_ip"] = ip_address(
            request.META.get("REMOTE_ADDR") or "255.255.255.255"
        )
        self.context["http_request"] = request

    def handle_error(self, exc, expression_source):
        """Turn every expression error into a PolicyException."""
        raise PolicyException(exc)

    def evaluate(self, expression_source):
        """Run the policy and return a PolicyResult; ``passing = bool(result)``."""
        try:
            result = super().evaluate(expression_source)
        except PolicyException:
            raise
        except Exception as exc:  # noqa: BLE001 - authentik turns these into a failing result
            self.evaluation.recorder.log(
                "warning",
                "authentik.policies.expression.evaluator",
                "Expression error",
                {"exc": str(exc)},
            )
            return PolicyResult(False, str(exc))

        self.returned = True
        policy_result = PolicyResult(False, *self.messages)
        policy_result.raw_result = result
        if result is None:
            self.evaluation.recorder.log(
                "warning",
                "authentik.policies.expression.evaluator",
                "Expression policy returned None",
                {"src": expression_source, "policy": self.filename},
            )
            policy_result.passing = False

        if result:
            policy_result.passing = bool(result)

        return policy_result


class PropertyMappingEvaluator(BaseEvaluator):
    """The evaluator of property mappings: keyword arguments become variables."""

    def __init__(self, evaluation, name, user=None, http_request=None, dry_run=False, **kwargs):
        from authentik.core.models import PropertyMapping, User

        super().__init__(evaluation, name)
        self.dry_run = dry_run
        policy_request = PolicyRequest(user=User())
        policy_request.obj = PropertyMapping(name=name or "")
        if user:
            policy_request.user = user
            self.context["user"] = user

        if http_request:
            policy_request.http_request = http_request
            self.context["http_request"] = http_request

        policy_request.context.update(**kwargs)
        self.context["request"] = policy_request
        self.context.update(**kwargs)
        self.globals["SkipObject"] = SkipObjectException

    def handle_error(self, exc, expression_source):
        """Record a property_mapping_exception event unless this is a dry run."""
        if self.dry_run:
            return

        import traceback

        policy_request = self.context["request"]
        event = Event.new(
            "property_mapping_exception",
            app="authentik.core.expression.evaluator",
            expression=expression_source,
            message="".join(traceback.format_exception(exc)),
        )
        event.set_user(policy_request.user if getattr(policy_request.user, "pk", None) else None)
        event.save()


def run_policy_process(evaluation, name, expression, policy_request, execution_logging=False):
    """Run a policy as authentik's PolicyProcess does for a binding with default settings.

    Returns (PolicyResult, the evaluator). ``evaluator.failed`` is True when the expression
    raised, and ``evaluator.last_error`` is the exception. An expression error becomes a failing
    result carrying ``str(exception)`` and a ``policy_exception`` event; applying the binding's
    ``failure_result`` and ``negate`` is left to the caller.
    """
    import traceback

    evaluator = PolicyEvaluator(evaluation, name)
    evaluator.set_policy_request(policy_request)
    try:
        result = evaluator.evaluate(expression)
    except PolicyException as exc:
        evaluator.failed = True
        original = evaluator.last_error or exc
        error_string = "".join(traceback.format_exception(original)) if original else str(exc)
        event = Event.new(
            "policy_exception", app="authentik.policies.process", error=error_string, policy=name
        )
        event.set_user(policy_request.user)
        event.save()
        return PolicyResult(False, str(exc)), evaluator

    if execution_logging:
        event = Event.new(
            "policy_execution", app="authentik.policies.process", result=result, policy=name
        )
        event.set_user(policy_request.user)
        event.save()

    return result, evaluator
