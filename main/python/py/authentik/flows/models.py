"""``authentik.flows.models``: flows, stages and bindings as plain objects.

The simulated directory has no flows. These classes exist so that expressions can import them
and compare the objects the simulator passes in (``request.obj``, ``flow_plan.bindings``).
"""

import uuid

from stagecraft_sim.orm.base import Model
from stagecraft_sim.orm.fields import Field


class FlowDesignation:
    """Values of ``Flow.designation``."""

    AUTHENTICATION = "authentication"
    AUTHORIZATION = "authorization"
    INVALIDATION = "invalidation"
    ENROLLMENT = "enrollment"
    UNRENOLLMENT = "unenrollment"
    RECOVERY = "recovery"
    STAGE_CONFIGURATION = "stage_configuration"


class Flow(Model):
    """A flow."""

    _label = "authentik_flows.flow"
    _pk_name = "flow_uuid"

    flow_uuid = Field(default=uuid.uuid4, kind="uuid")
    policy_engine_mode = Field(default="any")
    name = Field(default="")
    slug = Field(default="")
    title = Field(default="")
    designation = Field(default="")
    authentication = Field(default="none")
    denied_action = Field(default="message_continue")
    layout = Field(default="stacked")

    def __str__(self):
        return f"Flow {self.name} ({self.slug})"


class Stage(Model):
    """A stage of any type."""

    _label = "authentik_flows.stage"
    _pk_name = "stage_uuid"

    stage_uuid = Field(default=uuid.uuid4, kind="uuid")
    name = Field(default="")

    def __str__(self):
        return str(self.name)


class FlowStageBinding(Model):
    """The binding of a stage to a flow."""

    _label = "authentik_flows.flowstagebinding"
    _pk_name = "fsb_uuid"

    fsb_uuid = Field(default=uuid.uuid4, kind="uuid")
    policy_engine_mode = Field(default="any")
    target = Field(default=None)
    stage = Field(default=None)
    evaluate_on_plan = Field(default=False)
    re_evaluate_policies = Field(default=True)
    order = Field(default=0)
    invalid_response_action = Field(default="retry")

    def __str__(self):
        return f"Flow-stage binding #{self.order} to {self.target}"
