"""Model classes by label, including labels that the shim does not define.

The simulator may send objects of any authentik model (a Plex source, a SAML source, ...). A
label without a shim class gets a subclass of the table's base model, named as authentik names
the class, so that errors read as on the server (``'PlexSource' object has no attribute ...``).
"""

import importlib

from stagecraft_sim.orm.base import REGISTRY, Model

# Shim modules that define models, imported once so that REGISTRY contains every label.
MODEL_MODULES = (
    "authentik.core.models",
    "authentik.flows.models",
    "authentik.providers.oauth2.models",
    "authentik.sources.oauth.models",
    "authentik.sources.plex.models",
    "authentik.sources.saml.models",
    "authentik.sources.ldap.models",
    "authentik.sources.kerberos.models",
    "authentik.sources.scim.models",
)

_loaded = False


def load_models():
    """Import every shim module that defines models."""
    global _loaded
    if _loaded:
        return

    for name in MODEL_MODULES:
        importlib.import_module(name)

    _loaded = True


def class_name_for(label):
    """Guess authentik's class name for a model label such as ``authentik_sources_x.xsource``."""
    model_name = label.split(".", 1)[-1]
    for suffix, word in (
        ("sourceconnection", "SourceConnection"),
        ("source", "Source"),
        ("provider", "Provider"),
        ("stage", "Stage"),
        ("policy", "Policy"),
        ("propertymapping", "PropertyMapping"),
    ):
        if model_name.endswith(suffix) and len(model_name) > len(suffix):
            return model_name[: -len(suffix)].capitalize() + word

    return model_name.capitalize()


def model_class(label, base=None):
    """Return the class for ``label``, creating a subclass of ``base`` for unknown labels."""
    load_models()
    cls = REGISTRY.get(label)
    if cls is not None:
        return cls

    parent = base or Model
    namespace = {"_label": label, "__module__": "authentik.simulated"}
    return type(class_name_for(label), (parent,), namespace)
