"""provml: capture the provenance of ML workflows (PROV-ML) from Python.

Standard library only. `Recorder` sends events to a provml server in the background (or writes them to an NDJSON
file for `provml ingest`); `provml.sklearn.autolog()` and `provml.torch` are optional integrations.
"""

from ._delivery import DeliveryResult
from ._warnings import ProvmlWarning
from .recorder import DEFAULT_URL, Recorder, TaskContext, TaskScope

__version__ = "0.1.0"
__all__ = ["DEFAULT_URL", "DeliveryResult", "ProvmlWarning", "Recorder", "TaskContext", "TaskScope", "__version__"]
