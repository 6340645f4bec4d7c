"""PyTorch helpers for a plain training loop (this module imports torch only when saving a checkpoint):

    import provml, provml.torch as pt
    rec = provml.Recorder()
    rec.workflow_started("train-mlp", experiment="mlp-sweep")
    with pt.training(rec, model, optimizer, epochs=5) as training:      # algorithm, optimizer hyperparameters, size
        for epoch in range(1, 6):
            with training.task("epoch", epoch=epoch) as section:
                ...                                                      # the usual forward / backward / step
                section.log_metric("loss", loss)                         # a tensor is fine (.item() is taken)
        pt.save_checkpoint(rec, model, "mlp.pt", derived_from=[data])    # torch.save + checksum + size
    rec.workflow_ended()
"""

import hashlib
import os
from pathlib import Path
from typing import Any, Dict, Iterable, Optional

from .recorder import Recorder, TaskContext, TaskScope

_GROUP_KEYS = ("lr", "momentum", "dampening", "weight_decay", "nesterov", "eps", "alpha", "amsgrad", "lr_decay")


def hyperparameters(optimizer: Any = None, model: Any = None) -> Dict[str, Any]:
    """The optimizer's settings (class, lr, momentum, weight decay, betas, …; from `param_groups`) and the model's
    parameter counts, as plain values."""
    values: Dict[str, Any] = {}
    if optimizer is not None:
        values["optimizer"] = type(optimizer).__name__
        groups = list(getattr(optimizer, "param_groups", []))
        for index, group in enumerate(groups):
            prefix = "" if index == 0 else f"group{index}_"
            for key in _GROUP_KEYS:
                value = group.get(key)
                if isinstance(value, (bool, int, float)):
                    if index == 0 or value != groups[0].get(key):
                        values[prefix + key] = value
            betas = group.get("betas")
            if isinstance(betas, (tuple, list)) and len(betas) == 2 and index == 0:
                values["beta1"], values["beta2"] = float(betas[0]), float(betas[1])
    if model is not None and hasattr(model, "parameters"):
        parameters = list(model.parameters())
        values["parameters"] = int(sum(p.numel() for p in parameters))
        values["trainable_parameters"] = int(sum(p.numel() for p in parameters if p.requires_grad))
    return values


def training(recorder: Recorder, model: Any, optimizer: Any = None, name: str = "train", **options: Any) -> TaskContext:
    """A training task for `model`: algorithm = the model's class, hyperparameters = the optimizer's and the model's
    (`hyperparameters=` given here are added and win). Use as `with pt.training(rec, model, opt) as training:`."""
    options.setdefault("stage", "training")
    options.setdefault("algorithm", type(model).__name__)
    extra = {key: options.pop(key) for key in ("epochs", "batch_size") if key in options}
    options["hyperparameters"] = {**hyperparameters(optimizer, model), **extra, **(options.get("hyperparameters") or {})}
    return recorder.task(name, **options)


def save_checkpoint(recorder: Recorder, model: Any, path: "os.PathLike[str] | str", *args: Any, state: Any = None,
                    **options: Any) -> str:
    """`torch.save(model.state_dict(), path)` (or `state`), then `log_saved_file(recorder, model, path, epoch=None,
    model_id=None, derived_from=None, *, scope=None, name=None)`: a `model.saved` event with the file's location,
    SHA-256 and size (a checkpoint when `epoch` is given). Returns the model id. Saving errors propagate (it is the
    user's own save); recording never raises."""
    import torch

    torch.save(model.state_dict() if state is None else state, path)
    return log_saved_file(recorder, model, path, *args, **options)


def log_saved_file(
    recorder: Recorder,
    model: Any,
    path: "os.PathLike[str] | str",
    epoch: Optional[int] = None,
    model_id: Optional[str] = None,
    derived_from: Optional[Iterable[str]] = None,
    *,
    scope: Optional[TaskScope] = None,
    name: Optional[str] = None,
) -> str:
    """Records a model file already written (by torch.save or anything else) with its checksum and size."""
    try:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        checksum: Optional[str] = f"sha256:{digest.hexdigest()}"
        size: Optional[int] = os.path.getsize(path)
    except OSError as error:
        recorder._warner.fault(f"reading {path}", error)
        checksum, size = None, None
    options: Dict[str, Any] = {
        "name": name or type(model).__name__,
        "checksum": checksum,
        "size_bytes": size,
        "epoch": epoch,
    }
    location = Path(path).resolve().as_uri()
    if scope is not None:
        return scope.model_saved(model_id, location, derived_from, **options)
    return recorder.model_saved(model_id, location, derived_from, **options)
