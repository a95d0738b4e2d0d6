"""Entry point of the sandbox: one evaluation request in, one result out, both as JSON text.

The JSON shapes are EvaluationRequest and EvaluationResult of the TypeScript contract. Each call
builds a fresh directory, fresh globals and a fresh local namespace, so nothing an expression
stores in its variables survives into the next evaluation.
"""

import io
import json
import traceback
from contextlib import redirect_stderr, redirect_stdout
from time import perf_counter

from django.core.exceptions import ValidationError

from authentik.core.expression.exceptions import SkipObjectException
from authentik.policies.types import PolicyRequest
from stagecraft_sim import state
from stagecraft_sim.convert import from_json, instance_from_json, to_json
from stagecraft_sim.directory import Directory
from stagecraft_sim.evaluator import PolicyEvaluator, PropertyMappingEvaluator, run_policy_process
from stagecraft_sim.http_request import HttpRequest
from stagecraft_sim.orm.anonymous import AnonymousUser
from stagecraft_sim.recorder import Recorder
from stagecraft_sim.transport import ReplayTransport
from stagecraft_sim.transport_layer import LayerTransport

# authentik compiles an unsaved policy with this file name when validating it
# (authentik/policies/expression/api.py), and an unsaved property mapping with str(None)
# (authentik/core/api/property_mappings.py).
UNSAVED_POLICY_FILENAME = "temp-policy"
UNSAVED_MAPPING_FILENAME = "None"

MAX_REPR_LENGTH = 10_000


class Evaluation:
    """The state of one evaluation: directory, recorder, HTTP transport and recorded data."""

    def __init__(self, request):
        self.request = request
        self.recorder = Recorder()
        self.directory = Directory(request.get("directory") or {}, self.recorder)
        http = request.get("http") or {}
        if http.get("mode") == "layer":
            self.transport = LayerTransport()
        else:
            self.transport = ReplayTransport(http.get("responses"))
        self.dns = request.get("dns") or {}
        self.policies = request.get("policies") or {}
        self.call_depth = 0


class _LineWriter(io.TextIOBase):
    """A text stream that turns printed lines into log records."""

    def __init__(self, recorder, name):
        self._recorder = recorder
        self._name = name
        self._pending = ""

    def writable(self):
        return True

    def write(self, text):
        self._pending += str(text)
        *lines, self._pending = self._pending.split("\n")
        for line in lines:
            self._recorder.log("info", self._name, line)

        return len(text)

    def flush(self):
        if self._pending:
            self._recorder.log("info", self._name, self._pending)
            self._pending = ""


def evaluate(request_json):
    """Run one evaluation request (JSON text) and return the result as JSON text."""
    started = perf_counter()
    request = json.loads(request_json)
    evaluation = Evaluation(request)
    stdout = _LineWriter(evaluation.recorder, "stdout")
    stderr = _LineWriter(evaluation.recorder, "stderr")

    with state.activate(evaluation):
        try:
            with redirect_stdout(stdout), redirect_stderr(stderr):
                result = _run(evaluation)
        except KeyboardInterrupt:
            result = timed_out_result(request.get("timeoutMs"))
        except (
            BaseException
        ) as exc:  # noqa: BLE001 - SystemExit included: report, never raise to JS
            result = {"passing": False, "messages": [str(exc)], "error": describe_error(exc, None)}
        finally:
            stdout.flush()
            stderr.flush()

    recorder = evaluation.recorder
    result.update(
        events=recorder.events,
        logs=recorder.logs,
        effects=recorder.effects,
        http=recorder.http,
        durationMs=(perf_counter() - started) * 1000,
    )
    return json.dumps(result, default=lambda value: {"$repr": repr(value)})


def timed_out_result(timeout_ms):
    """Return the result of an evaluation stopped by the timeout interrupt."""
    seconds = (timeout_ms or 30_000) / 1000
    message = f"The expression ran longer than {seconds:g} s and was stopped."
    return {
        "passing": False,
        "messages": [message],
        "error": {"type": "Timeout", "message": message, "traceback": ""},
        "timedOut": True,
    }


def _run(evaluation):
    request = evaluation.request
    kind = request.get("kind")
    if kind not in ("policy", "property_mapping"):
        raise ValueError(
            f"Unknown evaluation kind {kind!r}; expected 'policy' or 'property_mapping'."
        )

    if request.get("mode", "evaluate") == "validate":
        return _validate(evaluation, kind)

    user = _request_user(request, evaluation.directory)
    http_data = request.get("httpRequest")
    http_request = HttpRequest(http_data, user) if http_data is not None else None
    if kind == "policy":
        return _run_policy(evaluation, user, http_request)

    return _run_mapping(evaluation, user, http_request)


def _request_user(request, directory):
    data = request.get("user")
    if data is None:
        return AnonymousUser()

    return instance_from_json({"$model": "authentik_core.user", **data}, directory)


def _run_policy(evaluation, user, http_request):
    request = evaluation.request
    context = from_json(request.get("context") or {}, evaluation.directory)
    _attach_plan_context(context)
    if request.get("isSso") is not None and "is_sso" not in context:
        context["is_sso"] = bool(request["isSso"])

    policy_request = PolicyRequest(user)
    policy_request.context = context
    policy_request.obj = from_json(request.get("obj"), evaluation.directory)
    if http_request is not None:
        # PolicyRequest.set_http_request adds the GeoIP and ASN context (None if unknown).
        policy_request.http_request = http_request
        context.setdefault(
            "geoip", from_json(request["httpRequest"].get("geoip"), evaluation.directory)
        )
        context.setdefault(
            "asn", from_json(request["httpRequest"].get("asn"), evaluation.directory)
        )

    name = request.get("name") or ""
    result, evaluator = run_policy_process(
        evaluation,
        name,
        request.get("expression") or "",
        policy_request,
        execution_logging=bool(request.get("executionLogging")),
    )
    output = {
        "passing": bool(result.passing),
        "messages": [str(message) for message in result.messages],
        "context": to_json(context),
    }
    if evaluator.failed:
        output["error"] = describe_error(evaluator.last_error, evaluator.filename)
    elif evaluator.returned:
        output["rawResult"] = describe_value(result.raw_result)

    return output


def _attach_plan_context(context):
    from authentik.flows.planner import FlowPlan

    plan = context.get("flow_plan")
    if isinstance(plan, FlowPlan) and plan.context is None:
        # The policy context is built from the plan's context, so both share their values.
        plan.context = {key: value for key, value in context.items() if key != "flow_plan"}


def _run_mapping(evaluation, user, http_request):
    request = evaluation.request
    kwargs = from_json(request.get("context") or {}, evaluation.directory)
    _attach_plan_context(kwargs)
    evaluator = PropertyMappingEvaluator(
        evaluation,
        request.get("name") or "",
        user=None if request.get("user") is None else user,
        http_request=http_request,
        dry_run=bool(request.get("dryRun")),
        **kwargs,
    )
    try:
        value = evaluator.evaluate(request.get("expression") or "")
    except SkipObjectException:
        return {"passing": False, "messages": [], "skipped": True}
    except Exception as exc:  # noqa: BLE001 - PropertyMappingExpressionException on the server
        error = evaluator.last_error or exc
        return {
            "passing": False,
            "messages": [],
            "error": describe_error(error, evaluator.filename),
        }

    return {"passing": True, "messages": [], "rawResult": describe_value(value)}


def _validate(evaluation, kind):
    request = evaluation.request
    saved = request.get("saved", True)
    name = request.get("name") or ""
    if kind == "policy":
        evaluator = PolicyEvaluator(evaluation, name if saved else UNSAVED_POLICY_FILENAME)
    else:
        evaluator = PropertyMappingEvaluator(
            evaluation, name if saved else UNSAVED_MAPPING_FILENAME
        )

    try:
        evaluator.validate(request.get("expression") or "")
    except ValidationError as exc:
        error = describe_error(evaluator.last_error, evaluator.filename)
        error["type"] = "ValidationError"
        error["message"] = exc.message
        return {"passing": False, "messages": [exc.message], "error": error}

    return {"passing": True, "messages": []}


def describe_value(value):
    """Return the RawResult of a returned value: repr, type name and JSON when it converts."""
    try:
        text = repr(value)
    except Exception as exc:  # noqa: BLE001 - the value's own __repr__ failed
        text = f"<{type(value).__name__} object, repr failed: {exc}>"

    if len(text) > MAX_REPR_LENGTH:
        text = text[:MAX_REPR_LENGTH] + "..."

    described = {"repr": text, "type": type(value).__name__}
    try:
        described["json"] = to_json(value, strict=True)
    except Exception:  # noqa: BLE001 - no JSON form: the repr stands alone
        pass

    return described


def describe_error(exc, filename):
    """Return the EvaluationError of an exception, with the line in the wrapped code."""
    if exc is None:
        return {"type": "Exception", "message": "", "traceback": ""}

    line = None
    if isinstance(exc, SyntaxError) and (filename is None or exc.filename == filename):
        line = exc.lineno
    else:
        for frame, lineno in traceback.walk_tb(exc.__traceback__):
            if filename is not None and frame.f_code.co_filename == filename:
                line = lineno

    if isinstance(exc, SyntaxError):
        # Compiling fails inside the evaluator; only the error itself concerns the expression.
        text = "".join(traceback.format_exception_only(exc))
    else:
        text = "".join(traceback.format_exception(exc))

    described = {"type": type(exc).__name__, "message": str(exc), "traceback": text}
    if line is not None:
        described["line"] = line

    return described
