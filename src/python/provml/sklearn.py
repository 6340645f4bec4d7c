"""scikit-learn integration: `provml.sklearn.autolog()` records every top-level `fit` and `score`.

A `fit` becomes a training task (algorithm = the estimator's class, hyperparameters = its `get_params()` as plain
values) that used the training data (a dataset: shape and a SHA-256 of its content) and generated a saved model; a
`score` of a fitted estimator becomes an evaluation task measuring that model ("accuracy" for classifiers, "r2" for
regressors, else "score"). Fits inside a fit (pipeline steps, a search's candidates) belong to the outer one.
Importing this module does not import scikit-learn; `autolog()` does.
"""

import functools
import hashlib
import threading
import uuid
import weakref
from typing import Any, Callable, Dict, Optional, Tuple

from ._events import plain
from .recorder import Recorder

_lock = threading.Lock()
_depth = 0
_recorder: Optional[Recorder] = None
_patched: Dict[Tuple[type, str], Callable[..., Any]] = {}
_registered: "weakref.WeakKeyDictionary[Recorder, set]" = weakref.WeakKeyDictionary()
_MODEL_ATTRIBUTE = "_provml_model_id"


def autolog(recorder: Optional[Recorder] = None, disable: bool = False) -> Optional[Recorder]:
    """Starts recording scikit-learn fits and scores into `recorder` (default: a new `provml.Recorder()` with the
    environment's settings); `autolog(disable=True)` restores scikit-learn's own methods. Returns the recorder."""
    global _recorder
    if disable:
        with _lock:
            for (owner, name), original in _patched.items():
                setattr(owner, name, original)
            _patched.clear()
            _recorder = None
        return None
    with _lock:
        _recorder = recorder or _recorder or Recorder()
        for owner, name in _targets():
            if (owner, name) in _patched:
                continue
            original = owner.__dict__[name]
            _patched[(owner, name)] = original
            setattr(owner, name, _wrapped(original, _recorded_fit if name == "fit" else _recorded_score))
        return _recorder


def _targets():
    """(class, method) pairs to wrap: where each estimator's `fit` and `score` are defined (once per definer)."""
    from sklearn.utils import all_estimators

    classes = [cls for _, cls in all_estimators()]
    from sklearn.model_selection import GridSearchCV, RandomizedSearchCV
    from sklearn.pipeline import Pipeline

    classes += [Pipeline, GridSearchCV, RandomizedSearchCV]
    seen = set()
    for cls in classes:
        for name in ("fit", "score"):
            for owner in cls.__mro__:
                if name in owner.__dict__:
                    if (owner, name) not in seen and callable(owner.__dict__[name]):
                        seen.add((owner, name))
                        yield owner, name
                    break


def _enter() -> bool:
    """True for the outermost call (the one recorded), in any thread of the process."""
    global _depth
    with _lock:
        _depth += 1
        return _depth == 1


def _leave() -> None:
    global _depth
    with _lock:
        _depth -= 1


def _split(args: tuple, kwargs: Dict[str, Any]) -> Tuple[Any, Any]:
    X = args[0] if args else kwargs.get("X")
    y = args[1] if len(args) > 1 else kwargs.get("y")
    return X, y


def _wrapped(original: Callable[..., Any], record: Callable[..., Any]) -> Callable[..., Any]:
    """`original` (a fit or a score), recorded by `record(recorder, original, estimator, args, kwargs)` when it is
    the outermost such call and autolog is on; any other call is scikit-learn's own."""

    @functools.wraps(original)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = _recorder
        outer = _enter()
        try:
            if not outer or recorder is None:
                return original(self, *args, **kwargs)
            return record(recorder, original, self, args, kwargs)
        finally:
            _leave()

    wrapper.__provml_original__ = original  # type: ignore[attr-defined]
    return wrapper


def _recorded_fit(recorder: Recorder, original: Callable[..., Any], estimator: Any, args: tuple,
                  kwargs: Dict[str, Any]) -> Any:
    started = _safely(recorder, "sklearn fit", lambda: _start_fit(recorder, estimator, *_split(args, kwargs)))
    try:
        result = original(estimator, *args, **kwargs)
    except BaseException as error:
        if started is not None:
            recorder.task_ended(started[0], error=error)
        raise
    if started is not None:
        _safely(recorder, "sklearn fit", lambda: _finish_fit(recorder, estimator, *started))
    return result


def _recorded_score(recorder: Recorder, original: Callable[..., Any], estimator: Any, args: tuple,
                    kwargs: Dict[str, Any]) -> Any:
    result = original(estimator, *args, **kwargs)
    model_id = getattr(estimator, _MODEL_ATTRIBUTE, None)
    if model_id is not None:
        X, y = _split(args, kwargs)
        _safely(recorder, "sklearn score", lambda: _record_score(recorder, estimator, model_id, X, y, result))
    return result


def _safely(recorder: Recorder, where: str, body: Callable[[], Any]) -> Any:
    try:
        return body()
    except Exception as error:  # noqa: BLE001 - capture never breaks the user's fit
        recorder._warner.fault(where, error)
        return None


def _start_fit(recorder: Recorder, estimator: Any, X: Any, y: Any) -> Tuple[str, str, str]:
    name = type(estimator).__name__
    dataset = _register_data(recorder, X, y, "training")
    task_id = recorder.task_started(
        f"{name}.fit",
        stage="training",
        algorithm=name,
        hyperparameters=hyperparameters_of(estimator),
        used={"training_data": {"ref": dataset, "kind": "dataset"}},
    )
    return task_id, dataset, name


def _finish_fit(recorder: Recorder, estimator: Any, task_id: str, dataset: str, name: str) -> None:
    model_id = f"{name}-{uuid.uuid4().hex[:12]}"
    setattr(estimator, _MODEL_ATTRIBUTE, model_id)
    metrics = {}
    best_score = getattr(estimator, "best_score_", None)
    if isinstance(best_score, (int, float)) or hasattr(best_score, "item"):
        metrics["best_score"] = plain(best_score)
    best_params = getattr(estimator, "best_params_", None)
    if isinstance(best_params, dict):
        recorder.log_hyperparameters({f"best_{key}": value for key, value in _plain_params(best_params).items()},
                                     task_id=task_id)
    recorder.model_saved(model_id, derived_from=[dataset], name=name, task_id=task_id)
    recorder.task_ended(task_id, generated={"model": {"ref": model_id, "kind": "model", "role": "model"}},
                        metrics=metrics or None)


def _record_score(recorder: Recorder, estimator: Any, model_id: str, X: Any, y: Any, value: Any) -> None:
    from sklearn.base import is_classifier, is_regressor

    measure = "accuracy" if is_classifier(estimator) else "r2" if is_regressor(estimator) else "score"
    dataset = _register_data(recorder, X, y, "test")
    name = type(estimator).__name__
    with recorder.task(
        f"{name}.score",
        stage="evaluation",
        used={"model": {"ref": model_id, "kind": "model"}, "data": {"ref": dataset, "kind": "dataset"}},
    ) as evaluation:
        evaluation.log_metric(measure, value, stage="evaluation", model_id=model_id, dataset_id=dataset)


def hyperparameters_of(estimator: Any) -> Dict[str, Any]:
    """`get_params()` as plain values: literals kept, estimators by class name, other values by their text."""
    try:
        params = estimator.get_params(deep=True)
    except Exception:  # noqa: BLE001
        return {}
    return _plain_params(params)


def _plain_params(params: Dict[str, Any]) -> Dict[str, Any]:
    values: Dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, (bool, int, float, str)):
            values[key] = plain(value)
        elif hasattr(value, "get_params"):
            values[key] = type(value).__name__
        elif callable(value):
            values[key] = getattr(value, "__qualname__", type(value).__name__)
        elif hasattr(value, "item"):
            values[key] = plain(value)
        else:
            text = repr(value)
            if len(text) <= 200 and " at 0x" not in text:
                values[key] = text
    return values


def _register_data(recorder: Recorder, X: Any, y: Any, kind: str) -> str:
    """The data as a dataset identified by its content: the same data is the same dataset node in every run."""
    digest, sample_count, features, size = fingerprint(X, y)
    dataset_id = f"data-sha256-{digest[:16]}"
    seen = _registered.setdefault(recorder, set())
    if dataset_id not in seen:
        seen.add(dataset_id)
        characteristics = {"n_features": features[0]} if isinstance(features, tuple) else None
        recorder.dataset_registered(
            kind,
            dataset_id,
            sample_count=sample_count,
            features=features if isinstance(features, list) else None,
            characteristics=characteristics,
            checksum=f"sha256:{digest}",
            size_bytes=size,
        )
    return dataset_id


def fingerprint(X: Any, y: Any = None):
    """(sha256 hex of X and y, samples, column names or (n_features,), bytes)."""
    import numpy

    digest = hashlib.sha256()
    size = 0
    features: Any = None
    samples = None
    for index, part in enumerate((X, y)):
        if part is None:
            continue
        digest.update(f"part{index}".encode())
        columns = getattr(part, "columns", None)
        if columns is not None and index == 0:
            features = [str(column) for column in columns]
            digest.update(repr(features).encode())
        if hasattr(part, "tocsr"):  # a scipy sparse matrix
            matrix = part.tocsr()
            arrays = [matrix.data, matrix.indices, matrix.indptr]
            shape = matrix.shape
        else:
            array = numpy.asarray(part.to_numpy() if hasattr(part, "to_numpy") else part)
            arrays = [array]
            shape = array.shape
        digest.update(repr(shape).encode())
        for array in arrays:
            if array.dtype == object:
                digest.update(repr(array.tolist()).encode())
            else:
                digest.update(str(array.dtype).encode())
                digest.update(numpy.ascontiguousarray(array).tobytes())
            size += int(array.nbytes)
        if index == 0:
            samples = int(shape[0]) if len(shape) > 0 else None
            if features is None and len(shape) > 1:
                features = (int(shape[1]),)
    return digest.hexdigest(), samples, features, size
