"""``authentik.flows.planner``: plan context keys and the FlowPlan of a running flow."""

from stagecraft_sim import state

PLAN_CONTEXT_PENDING_USER = "pending_user"
PLAN_CONTEXT_SSO = "is_sso"
PLAN_CONTEXT_REDIRECT = "redirect"
PLAN_CONTEXT_APPLICATION = "application"
PLAN_CONTEXT_DEVICE = "device"
PLAN_CONTEXT_SOURCE = "source"
PLAN_CONTEXT_OUTPOST = "outpost"
PLAN_CONTEXT_IS_RESTORED = "is_restored"
PLAN_CONTEXT_IS_REDIRECTED = "is_redirected"
PLAN_CONTEXT_REDIRECT_STAGE_TARGET = "redirect_stage_target"
CACHE_PREFIX = "goauthentik.io/flows/planner/"


class FlowPlan:
    """The stages still to run and the plan context, as the flow executor keeps them.

    ``bindings`` and ``markers`` are what the simulator sent. Stages that an expression inserts,
    appends or redirects to are added to them and recorded as ``plan_changed`` effects; the
    flow simulator applies those.
    """

    def __init__(self, flow_pk, bindings=None, context=None, markers=None):
        self.flow_pk = flow_pk
        self.bindings = list(bindings or [])
        self.context = {} if context is None else context
        self.markers = list(markers or [])

    def __repr__(self):
        return (
            f"FlowPlan(flow_pk={self.flow_pk!r}, bindings={self.bindings!r}, "
            f"context={self.context!r}, markers={self.markers!r})"
        )

    def append_stage(self, stage, marker=None):
        """Append ``stage`` to the end of the plan."""
        self._record("append_stage", stage)
        self.bindings.append({"stage": stage})
        self.markers.append(marker)

    def insert_stage(self, stage, marker=None):
        """Insert ``stage`` right after the running stage (authentik 2025.12 behaviour)."""
        self._record("insert_stage", stage)
        self.bindings.insert(1, {"stage": stage})
        self.markers.insert(1, marker)

    def redirect(self, destination):
        """Insert a redirect stage to ``destination`` right after the running stage."""
        stage = {
            "$model": "authentik_stages_redirect.redirectstage",
            "mode": "static",
            "target_static": destination,
        }
        self._record("redirect", stage)
        self.bindings.insert(1, {"stage": stage})
        self.markers.insert(1, None)

    def _record(self, action, stage):
        from stagecraft_sim.convert import to_json

        state.recorder().effect("plan_changed", action=action, stage=to_json(stage))
