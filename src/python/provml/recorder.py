"""The Recorder: a call appends the record of its event (its call-time values) to an in-memory queue, and the
sender thread shapes it into JSON (_shapes): no formatting, serialization, validation or I/O on the caller's thread."""

import functools
import inspect
import itertools
import os
import socket
import tempfile
import threading
import uuid
from time import time as _unix_time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Union

from . import _lifecycle, _shapes
from ._delivery import Delivery, DeliveryResult, FileSink, HttpSink
from ._events import error_text, literal, literal_map, plain
from ._warnings import Warner

DEFAULT_URL = "http://127.0.0.1:7070"
_LITERALS = (str, int, float, bool)
_METRIC = _shapes.metric


class _OpenTask:
    """A task between its start and its end. Written by the calling threads (the additions while it runs); its
    section and JSON fragment are filled in by the sender thread."""

    __slots__ = ("task_id", "name", "workflow", "started_at", "parent", "stage", "epoch", "section", "algorithm",
                 "learning_task", "used_at_start", "hyperparameters_at_start", "telemetry", "who", "used", "generated",
                 "hyperparameters", "wire", "ended", "end_built")

    def __init__(self, task_id: str, name: str, workflow: str, started_at: Any, who: tuple, options: tuple) -> None:
        self.task_id = task_id
        self.name = name
        self.workflow = workflow
        self.started_at = started_at  # Unix time, or the ISO text given: the start event's time and the end's startedAt
        self.who = who
        (self.parent, self.stage, self.epoch, self.section, self.algorithm, self.learning_task, self.used_at_start,
         self.hyperparameters_at_start, self.telemetry) = options
        self.used: Optional[Dict[str, Any]] = None
        self.generated: Optional[Dict[str, Any]] = None
        self.hyperparameters: Optional[Dict[str, Any]] = None
        self.wire: Optional[str] = None  # the JSON of its constant metric fields, made by the sender thread
        self.ended = False
        self.end_built = False  # the sender thread built its task.ended event (metrics queued after it: no section)


class Recorder:
    """Records provenance events of an ML workflow and delivers them in the background.

    Every call returns at once: it appends a tuple of its call-time values to memory (the event is built, serialized
    and sent by a daemon thread: no I/O, formatting, serialization or validation on the calling thread), and no
    exception from capture ever reaches the caller (trouble becomes a `ProvmlWarning`, once per kind). The thread
    sends NDJSON batches to `POST /api/v1/events`, retrying with jittered back-off;
    beyond `max_buffered_events` the oldest go to `spill_file`, delivered first once the server answers.
    With `file=...` events are written to that NDJSON file instead (offline; load it later with `provml ingest`).
    """

    def __init__(
        self,
        url: Optional[str] = None,
        token: Optional[str] = None,
        file: Optional[str] = None,
        spill_file: Optional[str] = None,
        *,
        rejected_file: Optional[str] = None,
        batch_size: int = 500,
        flush_interval: float = 2.0,
        max_buffered_events: int = 50_000,
        request_timeout: float = 10.0,
        close_timeout: float = 30.0,
        exit_timeout: float = 10.0,
        retry_base: float = 0.25,
        retry_max: float = 30.0,
        server_share: float = 0.05,
        workflow_execution_id: Optional[str] = None,
        id_prefix: Optional[str] = None,
        user: Optional[str] = None,
        persona: Optional[str] = None,
        host: Optional[str] = None,
        on_warning: Optional[Callable[[str], None]] = None,
        record_pid: bool = True,
    ) -> None:
        self._warner = Warner(on_warning)
        self.close_timeout = close_timeout
        self.exit_timeout = exit_timeout
        self.url: Optional[str] = None
        if file is not None:
            self._sink: Union[HttpSink, FileSink] = FileSink(os.fspath(file), self._warner, batch_size, flush_interval)
        else:
            self.url = url or os.environ.get("PROVML_URL") or DEFAULT_URL
            spill = os.fspath(spill_file) if spill_file is not None else os.path.join(
                tempfile.gettempdir(), f"provml-spill-{os.getpid()}-{uuid.uuid4().hex[:8]}.ndjson"
            )
            rejected = os.fspath(rejected_file) if rejected_file is not None else (
                f"{spill[: -len('.ndjson')] if spill.endswith('.ndjson') else spill}.rejected.ndjson"
            )
            self._sink = HttpSink(
                self.url,
                token if token is not None else (os.environ.get("PROVML_TOKEN") or None),
                spill,
                rejected,
                self._warner,
                Delivery(max(1, int(batch_size)), flush_interval, max(1, int(max_buffered_events)), request_timeout,
                         retry_base, retry_max, min(1.0, max(1e-3, float(server_share)))),
            )
        self._sink.owner = self  # the sender thread builds events from records with its id prefix and defaults
        self._push = self._sink.push
        self._prefix = id_prefix or uuid.uuid4().hex[:8]
        self._counter = itertools.count(1)
        self._default_workflow = workflow_execution_id
        self._current_workflow: Optional[str] = None
        self._user = user
        self._persona = persona
        self._host = host or socket.gethostname()
        # False for scripted captures (the demo) whose events must be the same from any process: a re-sent event
        # id with other content is refused by the server.
        self._record_pid = record_pid
        self._pid = os.getpid()
        self._open: Dict[str, _OpenTask] = {}
        self._open_order: tuple = ()  # copy-on-write, so lookups never lock
        self._lock = threading.Lock()
        self._local = threading.local()
        _lifecycle.track(self)
        self._sink.on_start = functools.partial(_lifecycle.track, self)

    # -- workflows -------------------------------------------------------------------------------------------------
    # Every call below also takes `time=` (ISO-8601 UTC) and `annotations=`; workflow and task calls take `user=`,
    # `persona=`, `host=`; calls not naming their execution take `workflow_execution_id=` (see _OPTIONS).
    def workflow_started(
        self,
        name: str,
        version: Optional[str] = None,
        study: Any = None,
        experiment: Any = None,
        workflow_execution_id: Optional[str] = None,
        *,
        parent_workflow_execution_id: Optional[str] = None,
        **options: Any,
    ) -> str:
        """Starts a workflow execution and makes it the default of later calls; returns its id. `study` and
        `experiment`: an id or {"id": …, "name": …}."""
        _check("workflow_started", options, _WHO)
        execution = workflow_execution_id or str(uuid.uuid4())
        try:
            self._current_workflow = execution
            self._queue(_shapes.workflow_started, execution, options, True,
                        (name, version, plain(study), plain(experiment), parent_workflow_execution_id))
        except Exception as error:  # noqa: BLE001
            self._warner.fault("workflow_started", error)
        return execution

    def workflow_ended(self, status: Optional[str] = None, error: Any = None, **options: Any) -> None:
        """Ends a workflow execution (default: the current one); status is "failed" when an error is given."""
        _check("workflow_ended", options, _WHO_IN)
        try:
            execution = self._workflow_of(options.get("workflow_execution_id"))
            self._queue(_shapes.workflow_ended, execution, options, True,
                        (status or ("finished" if error is None else "failed"), error_text(error)))
            if self._current_workflow == execution:
                self._current_workflow = None
        except Exception as failure:  # noqa: BLE001
            self._warner.fault("workflow_ended", failure)

    # -- tasks -------------------------------------------------------------------------------------------------------
    def task(self, name: str, **options: Any) -> "TaskContext":
        """A task as a context manager (`with rec.task("train", stage="training") as t:`) or a decorator
        (`@rec.task("preprocess")`). An exception inside marks the task failed with its text and propagates."""
        return TaskContext(self, name, options)

    def task_started(
        self,
        name: str,
        task_id: Optional[str] = None,
        *,
        parent_task_id: Optional[str] = None,
        stage: Optional[str] = None,
        epoch: Optional[int] = None,
        section: Optional[Dict[str, Any]] = None,
        used: Optional[Dict[str, Any]] = None,
        hyperparameters: Optional[Dict[str, Any]] = None,
        algorithm: Optional[str] = None,
        learning_task: Optional[str] = None,
        telemetry: Optional[Dict[str, Any]] = None,
        **options: Any,
    ) -> str:
        """Starts a task (a data transformation or a learning stage; `epoch=n` makes it an epoch section of its
        parent); returns its id."""
        _check("task_started", options, _WHO_IN)
        task_id = task_id or self._next_id("t")
        try:
            execution = self._workflow_of(options.get("workflow_execution_id"))
            when = options.get("time") or _unix_time()
            who = _who(options)
            task = _OpenTask(task_id, name, execution, when, who, (
                parent_task_id, stage, epoch if epoch is None or type(epoch) is int else int(epoch), plain(section),
                algorithm, learning_task, plain(used), plain(hyperparameters), plain(telemetry)))
            with self._lock:
                self._open[task_id] = task
                self._open_order = self._open_order + (task_id,)
            self._push((_shapes.task_started, next(self._counter), when, execution, plain(options.get("annotations")),
                        who, task))
        except Exception as error:  # noqa: BLE001
            self._warner.fault("task_started", error)
        return task_id

    def task_ended(
        self,
        task_id: str,
        status: Optional[str] = None,
        error: Any = None,
        *,
        used: Optional[Dict[str, Any]] = None,
        generated: Optional[Dict[str, Any]] = None,
        metrics: Optional[Dict[str, Any]] = None,
        telemetry: Optional[Dict[str, Any]] = None,
        stdout: Optional[str] = None,
        stderr: Optional[str] = None,
        **options: Any,
    ) -> None:
        """Ends a task; status is "failed" when an error is given, else "finished"."""
        _check("task_ended", options, _WHO)
        try:
            with self._lock:
                task = self._open.pop(task_id, None)
                if task is not None:
                    task.ended = True
                    self._open_order = tuple(t for t in self._open_order if t != task_id)
            if task is None:
                self._warner.once("unknown-task", f"provml client: task_ended for unknown task {task_id!r} was ignored.")
                return
            self._queue(_shapes.task_ended, task.workflow, options, True, (
                task, plain(used), plain(generated), plain(metrics), plain(telemetry),
                status or ("finished" if error is None else "failed"), error_text(error), stdout, stderr))
        except Exception as failure:  # noqa: BLE001
            self._warner.fault("task_ended", failure)

    def log_hyperparameters(self, values: Dict[str, Any], task_id: Optional[str] = None) -> None:
        """Hyperparameters of a task (default: the innermost open one), reported on its end event."""
        try:
            task = self._task_or_innermost(task_id, None)
            if task is None:
                self._warner.once("no-task", "provml client: log_hyperparameters needs an open task (task()).")
                return
            task.hyperparameters = {**(task.hyperparameters or {}), **literal_map(values)}
        except Exception as error:  # noqa: BLE001
            self._warner.fault("log_hyperparameters", error)

    def _add_to_task(self, task_id: str, field: str, values: Dict[str, Any]) -> None:
        try:
            task = self._open.get(task_id)
            if task is not None:
                setattr(task, field, {**(getattr(task, field) or {}), **plain(values)})
        except Exception as error:  # noqa: BLE001
            self._warner.fault(field, error)

    # -- facts -------------------------------------------------------------------------------------------------------
    def log_metric(
        self,
        name: str,
        value: Any,
        epoch: Optional[int] = None,
        stage: Optional[str] = None,
        model_id: Optional[str] = None,
        dataset_id: Optional[str] = None,
        *,
        section: Optional[Dict[str, Any]] = None,
        task_id: Optional[str] = None,
        **options: Any,
    ) -> None:
        """A measured value (loss, accuracy, …), recorded at once as an evaluation. Inside an epoch task it belongs
        to that epoch unless told otherwise; numpy and torch scalars are taken as numbers."""
        if options:
            _check("log_metric", options, _IN)
        try:
            value, epoch = _scalars(value, epoch)
            execution = options.get("workflow_execution_id") if options else None
            task = self._task_or_innermost(task_id, execution)
            if task is not None and section is None and not options:
                self._push((_METRIC, next(self._counter), _unix_time(), task, name, value, epoch, stage, model_id,
                            dataset_id))
                return
            if task is not None:
                task_id = task.task_id
                execution = execution or task.workflow
            self._push((_shapes.evaluation, next(self._counter), options.get("time") or _unix_time(),
                        self._workflow_of(execution), plain(options.get("annotations")), task, task_id, name, value,
                        epoch, stage, plain(section), model_id, dataset_id))
        except Exception as error:  # noqa: BLE001
            self._warner.fault("log_metric", error)

    def model_saved(
        self,
        model_id: Optional[str] = None,
        location: Optional[str] = None,
        derived_from: Optional[Iterable[str]] = None,
        *,
        name: Optional[str] = None,
        checksum: Optional[str] = None,
        size_bytes: Optional[int] = None,
        task_id: Optional[str] = None,
        epoch: Optional[int] = None,
        **options: Any,
    ) -> str:
        """A saved model (a checkpoint when `epoch` is set), made by the innermost open task unless `task_id` says
        otherwise; returns its data reference id."""
        _check("model_saved", options, _IN)
        model_id = model_id or self._next_id("model")
        try:
            explicit = options.get("workflow_execution_id")
            task = self._task_or_innermost(task_id, explicit)
            execution = explicit or (task.workflow if task is not None else self._workflow_of(None))
            self._queue(_shapes.model_saved, execution, options, False, (
                model_id, name, location, checksum, size_bytes, task.task_id if task is not None else task_id, epoch,
                _listed(derived_from)))
        except Exception as error:  # noqa: BLE001
            self._warner.fault("model_saved", error)
        return model_id

    def dataset_registered(
        self,
        kind: str,
        dataset_id: Optional[str] = None,
        location: Optional[str] = None,
        derived_from: Optional[Iterable[Any]] = None,
        sample_count: Optional[int] = None,
        features: Optional[Iterable[str]] = None,
        characteristics: Optional[Dict[str, Any]] = None,
        *,
        name: Optional[str] = None,
        checksum: Optional[str] = None,
        size_bytes: Optional[int] = None,
        domain_entities: Optional[Iterable[str]] = None,
        task_id: Optional[str] = None,
        **options: Any,
    ) -> str:
        """A dataset (kind: raw, domain, learning, training, validation or test); returns its data reference id.
        `derived_from` lists source ids, or {"ref": id, "kind": "raw" | "domain" | …} for domain lineage."""
        _check("dataset_registered", options, _IN)
        dataset_id = dataset_id or self._next_id("dataset")
        try:
            self._queue(_shapes.dataset_registered, self._workflow_of(options.get("workflow_execution_id")), options,
                        False, (dataset_id, kind, name, location, checksum, size_bytes, plain(_listed(derived_from)),
                                _listed(domain_entities), sample_count, _listed(features), plain(characteristics),
                                task_id))
        except Exception as error:  # noqa: BLE001
            self._warner.fault("dataset_registered", error)
        return dataset_id

    # -- delivery ----------------------------------------------------------------------------------------------------
    def flush(self, timeout: Optional[float] = None) -> DeliveryResult:
        """Waits until every event recorded so far is delivered (or written), or the timeout passes. Never raises."""
        try:
            return self._sink.flush(timeout)
        except Exception as error:  # noqa: BLE001
            self._warner.fault("flush", error)
            return DeliveryResult(complete=False, delivered=0, pending=0, spilled=0)

    def close(self, timeout: Optional[float] = None) -> DeliveryResult:
        """Delivers what it can within `timeout` seconds (default `close_timeout`), keeps the rest in the spill file
        and stops the background thread. Never raises; returns delivered, pending, spilled and the spill file."""
        _lifecycle.forget(self)
        try:
            return self._sink.close(self.close_timeout if timeout is None else timeout)
        except Exception as error:  # noqa: BLE001
            self._warner.fault("close", error)
            return DeliveryResult(complete=False, delivered=0, pending=0, spilled=0)

    def __enter__(self) -> "Recorder":
        return self

    def __exit__(self, *_exc: Any) -> bool:
        self.close()
        return False

    @property
    def workflow_execution_id(self) -> Optional[str]:
        """The current workflow execution (the last one started and not ended)."""
        return self._current_workflow or self._default_workflow

    @property
    def spill_file(self) -> Optional[str]:
        return getattr(self._sink, "spill_path", None)

    # -- internals ---------------------------------------------------------------------------------------------------
    def _queue(self, builder: Any, execution: str, options: Dict[str, Any], who: bool, values: tuple) -> None:
        """Appends the record of an event (see _shapes): its id number, time and execution, now; the rest later."""
        self._push((builder, next(self._counter), options.get("time") or _unix_time(), execution,
                    plain(options.get("annotations")), _who(options) if who else None) + values)

    def _next_id(self, kind: str) -> str:
        return f"{kind}-{self._prefix}-{next(self._counter)}"

    def _workflow_of(self, explicit: Optional[str]) -> str:
        execution = explicit or self._current_workflow or self._default_workflow
        if execution is None:
            with self._lock:  # threads recording at once before any workflow_started share one execution
                if self._default_workflow is None:
                    self._default_workflow = str(uuid.uuid4())
                execution = self._default_workflow
        return execution

    def _task_or_innermost(self, task_id: Optional[str], workflow: Optional[str]) -> Optional[_OpenTask]:
        if task_id is not None:
            return self._open.get(task_id)
        execution = self._workflow_of(workflow)
        # This thread's innermost task first (a `with` block on this thread), then the recorder's.
        stack = getattr(self._local, "stack", None)
        if stack:
            for candidate in reversed(stack):
                task = self._open.get(candidate)
                if task is not None and task.workflow == execution:
                    return task
        for candidate in reversed(self._open_order):
            task = self._open.get(candidate)
            if task is not None and task.workflow == execution:
                return task
        return None

    def _enter_thread_task(self, task_id: str) -> None:
        stack = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        stack.append(task_id)

    def _leave_thread_task(self, task_id: str) -> None:
        stack = getattr(self._local, "stack", None)
        if stack and task_id in stack:
            stack.remove(task_id)

    def _close_at_exit(self) -> None:
        self.close(self.exit_timeout)

    def _after_fork(self) -> None:
        """In a forked child: fresh ids (the parent goes on numbering its own), locks and queue."""
        self._prefix = uuid.uuid4().hex[:8]  # the numbers go on from the parent's: the prefix makes the ids new
        self._pid = os.getpid()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._warner.reset_after_fork()
        self._sink.reset_after_fork()


_AT = frozenset(("time", "annotations"))
_IN = _AT | {"workflow_execution_id"}
_WHO = _AT | {"user", "persona", "host"}
_WHO_IN = _WHO | _IN


def _check(call: str, options: Dict[str, Any], allowed: frozenset) -> None:
    """The options every call shares (time, annotations, workflow_execution_id, user, persona, host): an unknown
    name is the TypeError Python gives for a misspelt keyword."""
    for key in options:
        if key not in allowed:
            raise TypeError(f"{call}() got an unexpected keyword argument {key!r}")


def _who(options: Dict[str, Any]) -> tuple:
    return options.get("user"), options.get("persona"), options.get("host")


def _given(**options: Any) -> Dict[str, Any]:
    return {key: value for key, value in options.items() if value is not None}


def _scalars(value: Any, epoch: Any) -> tuple:
    """A metric's value and epoch read now (a tensor may change in place later): numbers, strings or booleans."""
    if type(value) not in _LITERALS:
        value = literal(value)
    if epoch is not None and type(epoch) is not int:
        epoch = int(epoch)
    return value, epoch


def _listed(values: Optional[Iterable[Any]]) -> Optional[list]:
    """An iterable read now (a generator is consumed on the caller's thread, a list copied)."""
    return None if values is None else list(values)


class TaskScope:
    """What `with rec.task(...) as scope` gives: records into its own task."""

    # CPython lays slots out in sorted order: the three log_metric reads (the underscored ones) share the object's
    # first cache line with its header.
    __slots__ = ("_memory", "_sink", "_task", "recorder", "task_id", "workflow_execution_id")

    def __init__(self, recorder: Recorder, task_id: str, workflow_execution_id: str,
                 task: Optional[_OpenTask] = None) -> None:
        self.recorder = recorder
        self.task_id = task_id
        self.workflow_execution_id = workflow_execution_id
        self._task = task
        # What log_metric touches, at hand: right after a training step the caches are cold, and each object a
        # call reaches costs a miss (the sink and its queue live as long as the recorder).
        self._sink = recorder._sink
        self._memory = recorder._sink.memory

    if TYPE_CHECKING:
        def log_metric(self, name: str, value: Any, epoch: Optional[int] = None, stage: Optional[str] = None,
                       model_id: Optional[str] = None, dataset_id: Optional[str] = None, *,
                       section: Optional[Dict[str, Any]] = None, time: Optional[str] = None,
                       annotations: Optional[Dict[str, Any]] = None) -> None: ...
    else:
        def log_metric(self, name, value, *more, **options):
            """A measured value of this task (and of its epoch, for an epoch task); `section=`, `time=` and
            `annotations=` as for Recorder.log_metric."""
            # The hot path of a training loop, `section.log_metric("loss", loss.item())`: one 4-tuple into the queue
            # (_shapes.scope_metric). Its id number, the task's fields and whether the task has ended by then are
            # read on the sender thread. The signature is two names and a rest: a call right after a training step
            # runs cold, and filling in six defaults and testing each costs more than the append.
            if type(value) is float and not more and not options and self._task is not None:
                try:
                    memory = self._memory
                    memory.append((self, _unix_time(), name, value))
                    if len(memory) >= memory.wake_at:
                        self._sink.wake_or_start()
                except Exception as error:  # noqa: BLE001
                    self.recorder._warner.fault("log_metric", error)
                return
            self._log_metric(name, value, *more, **options)

    def _log_metric(self, name: str, value: Any, epoch: Optional[int] = None, stage: Optional[str] = None,
                    model_id: Optional[str] = None, dataset_id: Optional[str] = None, *,
                    section: Optional[Dict[str, Any]] = None, time: Optional[str] = None,
                    annotations: Optional[Dict[str, Any]] = None) -> None:
        task = self._task
        if task is None or task.ended or section is not None or time is not None or annotations is not None:
            self.recorder.log_metric(name, value, epoch, stage, model_id, dataset_id, section=section,
                                     task_id=self.task_id, **_given(workflow_execution_id=self.workflow_execution_id,
                                                                    time=time, annotations=annotations))
            return
        try:  # other values (ints, numpy / torch scalars, an epoch, a stage, a model or dataset)
            value, epoch = _scalars(value, epoch)
            self._sink.push((_METRIC, next(self.recorder._counter), _unix_time(), task, name, value, epoch, stage,
                             model_id, dataset_id))
        except Exception as error:  # noqa: BLE001
            self.recorder._warner.fault("log_metric", error)

    # A wrong argument is the TypeError of log_metric, with its signature (help(), IDEs).
    _log_metric.__qualname__ = "TaskScope.log_metric"
    if not TYPE_CHECKING:
        log_metric.__signature__ = inspect.signature(_log_metric)

    def log_hyperparameters(self, values: Dict[str, Any]) -> None:
        self.recorder.log_hyperparameters(values, task_id=self.task_id)

    def used(self, values: Dict[str, Any]) -> None:
        """Inputs reported on the task's end event: literals, {"ref": id, "kind": "dataset"}, {"uri": …}."""
        self.recorder._add_to_task(self.task_id, "used", values)

    def generated(self, values: Dict[str, Any]) -> None:
        self.recorder._add_to_task(self.task_id, "generated", values)

    def model_saved(self, model_id: Optional[str] = None, location: Optional[str] = None,
                    derived_from: Optional[Iterable[str]] = None, **options: Any) -> str:
        options.setdefault("task_id", self.task_id)
        options.setdefault("workflow_execution_id", self.workflow_execution_id)
        return self.recorder.model_saved(model_id, location, derived_from, **options)

    def task(self, name: str, **options: Any) -> "TaskContext":
        """A child task (parent = this task), e.g. an epoch: `with training.task("epoch", epoch=3) as section:`.
        A section (epoch=… or section=…) takes this task's stage unless given one."""
        options.setdefault("workflow_execution_id", self.workflow_execution_id)
        options["parent_task_id"] = self.task_id
        if options.get("stage") is None and (options.get("epoch") is not None or options.get("section") is not None):
            parent = self.recorder._open.get(self.task_id)
            if parent is not None and parent.stage is not None:
                options["stage"] = parent.stage
        return TaskContext(self.recorder, name, options)


class TaskContext:
    """A task as a context manager (yields a TaskScope) or a decorator (each call of the function is a task)."""

    def __init__(self, recorder: Recorder, name: str, options: Dict[str, Any]) -> None:
        self._recorder = recorder
        self._name = name
        self._options = options
        self._scopes: List[TaskScope] = []

    def __enter__(self) -> TaskScope:
        recorder = self._recorder
        task_id = recorder.task_started(self._name, **self._options)
        task = recorder._open.get(task_id)
        execution = task.workflow if task is not None else (self._options.get("workflow_execution_id") or "")
        scope = TaskScope(recorder, task_id, execution, task)
        self._scopes.append(scope)
        recorder._enter_thread_task(task_id)
        return scope

    def __exit__(self, exc_type: Any, exc: Optional[BaseException], _tb: Any) -> bool:
        scope = self._scopes.pop() if self._scopes else None
        if scope is not None:
            self._recorder._leave_thread_task(scope.task_id)
            self._recorder.task_ended(scope.task_id, error=exc if exc_type is not None else None)
        return False  # the user's exception propagates unchanged

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        recorder, name, options = self._recorder, self._name, self._options
        if inspect.iscoroutinefunction(fn):
            @functools.wraps(fn)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                with TaskContext(recorder, name, dict(options)):
                    return await fn(*args, **kwargs)
            return run_async

        @functools.wraps(fn)
        def run(*args: Any, **kwargs: Any) -> Any:
            with TaskContext(recorder, name, dict(options)):
                return fn(*args, **kwargs)
        return run
