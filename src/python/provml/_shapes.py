"""The events' shapes (provml/1, src/capture/events.schema.json), built on the sender thread: one builder per type.

A call queues a record, a tuple of its call-time values whose first item is the builder of its event:
(builder, id number, when, ...). `when` is the call's Unix time, or the ISO text the caller gave. The sender
thread calls `builder(owner, record)` (owner: the Recorder, for its id prefix and who/where defaults) and gets
the event's JSON line; ids and times are formatted there, once, and the line is what a retry sends again.
The one exception is a task scope's plain metric, the 4-tuple (scope, when, measure, float value): built by
`scope_metric`, which also takes its id number (the hot path of a training loop does no more than append it).
"""

import binascii
import json
import math
import sys
from array import array
from binascii import a2b_base64, b2a_base64
from typing import Any, Callable, Dict, List, Optional, Tuple

from ._events import SCHEMA_VERSION, encode, event_line, iso_time, literal_map, quote

Builder = Callable[[Any, tuple], Optional[str]]


def _time_text(when: Any) -> str:
    return when if type(when) is str else iso_time(when)


def _envelope(kind: str, owner: Any, number: int, when: Any, execution: str) -> Dict[str, Any]:
    return {
        "type": kind,
        "schema": SCHEMA_VERSION,
        "id": f"e-{owner._prefix}-{number}",
        "time": _time_text(when),
        "workflowExecutionId": execution,
    }


def _finish(owner: Any, event: Dict[str, Any], who: Optional[tuple], annotations: Any) -> Optional[str]:
    """Who and where (workflow and task events only, as in the TypeScript client), then annotations last."""
    if who is not None:
        user, persona, host = who
        user = user or owner._user
        persona = persona or owner._persona
        if user is not None:
            event["user"] = user
        if persona is not None:
            event["persona"] = persona
        event["host"] = host or owner._host
        if owner._record_pid:
            event["pid"] = owner._pid
    if annotations is not None:
        event["annotations"] = annotations
    return event_line(event)


def _put(event: Dict[str, Any], fields: Tuple[Tuple[str, Optional[Callable[[Any], Any]]], ...], values: tuple) -> None:
    for (key, convert), value in zip(fields, values):
        if value is not None:
            value = value if convert is None else convert(value)
            if value is not None:
                event[key] = value


def flat(kind: str, who: bool, *fields: Tuple[str, Optional[Callable[[Any], Any]]]) -> Builder:
    """The builder of an event made of its envelope and optional fields, from the record
    (builder, number, when, execution, annotations, who or None, field values...)."""

    def build(owner: Any, record: tuple) -> Optional[str]:
        event = _envelope(kind, owner, record[1], record[2], record[3])
        _put(event, fields, record[6:])
        return _finish(owner, event, record[5] if who else None, record[4])

    return build


def _ref(value: Any) -> Dict[str, Any]:
    return value if isinstance(value, dict) else {"id": str(value)}


def _texts(values: Any) -> list:
    return [str(value) for value in values]


def _epoch(index: Any) -> Dict[str, Any]:
    return {"kind": "epoch", "index": int(index)}


workflow_started = flat("workflow.started", True, ("name", None), ("version", None), ("study", _ref),
                        ("experiment", _ref), ("parentWorkflowExecutionId", None))
workflow_ended = flat("workflow.ended", True, ("status", None), ("error", None))
model_saved = flat("model.saved", False, ("modelId", None), ("name", None), ("location", None), ("checksum", None),
                   ("sizeBytes", int), ("taskId", None), ("epoch", int), ("derivedFrom", _texts))
dataset_registered = flat("dataset.registered", False, ("datasetId", None), ("kind", None), ("name", None),
                          ("location", None), ("checksum", None), ("sizeBytes", int), ("derivedFrom", None),
                          ("domainEntities", _texts), ("sampleCount", int), ("features", _texts),
                          ("characteristics", literal_map), ("taskId", None))

_TASK_FIELDS = (("name", None), ("taskId", None), ("parentTaskId", None), ("stage", None), ("section", None))
_START_FIELDS = (("used", None), ("hyperparameters", literal_map), ("algorithm", None), ("learningTask", None),
                 ("telemetry", None))
_END_FIELDS = (("algorithm", None), ("learningTask", None), ("used", None), ("hyperparameters", None),
               ("generated", None), ("metrics", literal_map), ("telemetry", None), ("status", None), ("error", None),
               ("startedAt", None), ("stdout", None), ("stderr", None))


def section_of(task: Any) -> Optional[Dict[str, Any]]:
    """A task's section: the one it was given, else its epoch's."""
    if task.section is None and task.epoch is not None:
        task.section = _epoch(task.epoch)
        task.epoch = None
    return task.section


def _task_event(kind: str, owner: Any, record: tuple) -> Dict[str, Any]:
    task = record[6]
    event = _envelope(kind, owner, record[1], record[2], task.workflow)
    _put(event, _TASK_FIELDS, (task.name, task.task_id, task.parent, task.stage, section_of(task)))
    return event


def task_started(owner: Any, record: tuple) -> Optional[str]:
    """(builder, number, when, execution, annotations, who, task)"""
    event = _task_event("task.started", owner, record)
    task = record[6]
    _put(event, _START_FIELDS, (task.used_at_start, task.hyperparameters_at_start, task.algorithm, task.learning_task,
                                task.telemetry))
    return _finish(owner, event, record[5], record[4])


def task_ended(owner: Any, record: tuple) -> Optional[str]:
    """(builder, number, when, execution, annotations, who, task, used, generated, metrics, telemetry, status, error,
    stdout, stderr): the task's start fields, what was added while it ran, then the call's."""
    _, _, _, _, annotations, who, task, used, generated, metrics, telemetry, status, error, stdout, stderr = record
    task.end_built = True
    event = _task_event("task.ended", owner, record)
    _put(event, _END_FIELDS, (task.algorithm, task.learning_task, _merge(task.used, used), task.hyperparameters,
                              _merge(task.generated, generated), metrics, telemetry, status, error,
                              _time_text(task.started_at), stdout, stderr))
    user, persona, host = who
    s_user, s_persona, s_host = task.who
    return _finish(owner, event, (user or s_user, persona or s_persona, host or s_host), annotations)


def _merge(a: Optional[Dict[str, Any]], b: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return {**(a or {}), **(b or {})} if (a or b) else None


def evaluation(owner: Any, record: tuple) -> Optional[str]:
    """(builder, number, when, execution, annotations, task or None, task id, measure, value, epoch, stage, section,
    model id, dataset id)"""
    _, number, when, execution, annotations, task, task_id, measure, value, epoch, stage, section, model_id, \
        dataset_id = record
    event = _envelope("evaluation", owner, number, when, execution)
    event["measure"] = measure
    event["value"] = value
    if task_id is not None:
        event["taskId"] = task_id
    stage = stage or (task.stage if task is not None else None)
    if stage is not None:
        event["stage"] = stage
    if section is None:
        section = _epoch(epoch) if epoch is not None else (section_of(task) if task is not None else None)
    if section is not None:
        event["section"] = section
    if model_id is not None:
        event["modelId"] = model_id
    if dataset_id is not None:
        event["datasetId"] = dataset_id
    return _finish(owner, event, None, annotations)


_float_repr = float.__repr__
_int_repr = int.__repr__


def metric(owner: Any, record: tuple) -> Optional[str]:
    """The common metric, (builder, number, unix time, open task, measure, value, epoch, stage, model id, dataset
    id): the same JSON as `evaluation` gives, built with less work (the task's constant fields are encoded once, the
    id's head once per prefix, a measure's name once)."""
    _, number, when, task, measure, value, epoch, stage, model_id, dataset_id = record
    kind = type(value)
    if kind is float:
        if value != value or value in _INFINITIES:
            return _general(owner, record, value)  # NaN and ±∞ as their XSD text
        text = _float_repr(value)
    elif kind is int:
        text = _int_repr(value)
    elif kind is bool:
        text = "true" if value else "false"
    elif kind is str:
        text = quote(value)
    else:
        return _general(owner, record, value)
    if epoch is not None or stage is not None:
        return _general(owner, record, value)
    line = _metric_line(owner, number, when, task, measure, text)
    if model_id is not None:
        line += f',"modelId":{quote(model_id)}'
    if dataset_id is not None:
        line += f',"datasetId":{quote(dataset_id)}'
    return line + "}"


def scope_metric(owner: Any, record: tuple) -> Optional[str]:
    """A task scope's plain metric, (scope, unix time, measure, float value): the line `metric` makes, numbered
    here. Queued after its task's end (a scope used after its `with` block), it is what Recorder.log_metric with
    the task's id gives then: the task id, no stage or section."""
    scope, when, measure, value = record
    number = next(owner._counter)
    task = scope._task
    if task.end_built or value != value or value in _INFINITIES:
        return evaluation(owner, (evaluation, number, when, task.workflow, None, None if task.end_built else task,
                                  task.task_id, measure, value, None, None, None, None, None))
    return _metric_line(owner, number, when, task, measure, _float_repr(value)) + "}"


def scope_metric_lines(owner: Any, records: List[tuple], start: int, lines: List[str]) -> int:
    """The lines of task scopes' plain metrics from `records[start]` on, appended to `lines` by one tight loop: the
    sender runs it right after a training step, when each call it makes is a cache miss. A run of a task's metrics
    numbered one after the other becomes one metric series (src/capture/series.ts): each value costs two packed
    float64 and a byte, where its own JSON line cost several times that. A run of one is the line `scope_metric`
    gives. Returns the index of the first record it leaves to `scope_metric` or a builder (another kind, a task
    whose end was built, NaN or ±∞, a measure that is not text, a task whose fields cannot be encoded), or the end."""
    counter = owner._counter
    end = len(records)
    index = start
    run: Optional[_Run] = None
    try:
        while index < end:
            record = records[index]
            if len(record) != 4:
                break
            scope, when, measure, value = record
            task = scope._task
            if task.end_built or value - value != 0.0 or type(measure) is not str:
                break
            number = next(counter)
            if run is None or task is not run.task or number != run.next or not run.add(when, measure, value):
                if run is not None and not run.emit(owner, lines):
                    return index - len(run.times)
                run = _Run(task, number, when, measure, value)
            run.next = number + 1
            index += 1
    except (TypeError, ValueError, AttributeError, RecursionError):
        pass  # that record is left to the caller's per-record path, which drops it when it fails there too
    if run is not None and not run.emit(owner, lines):
        return index - len(run.times)
    return index


SERIES_HEAD = '{"type":"evaluation.series","count":'
_SERIES_HEAD_LENGTH = len(SERIES_HEAD)
_MAX_SERIES = 10_000
_MAX_MEASURES = 256
_SWAP = sys.byteorder != "little"


def events_in(line: str) -> int:
    """How many events a line stands for: a series' count, else 1."""
    if line.startswith(SERIES_HEAD):
        try:
            return int(line[_SERIES_HEAD_LENGTH:line.index(",", _SERIES_HEAD_LENGTH)])
        except ValueError:  # not a series the server takes: it refuses the line, as one
            return 1
    return 1


def count_events(lines: List[str]) -> int:
    return sum(map(events_in, lines))


def split_series_line(line: str) -> Optional[List[str]]:
    """A metric series' line cut in two (the first count // 2 events, then the rest): what a 413 does to a request
    of one line. None for any other line, or a series of one."""
    if not line.startswith(SERIES_HEAD):
        return None
    try:
        series = json.loads(line)
        count, first = series["count"], series["firstId"]
        if type(count) is not int or count < 2 or type(first) is not int:
            return None
        columns = {key: a2b_base64(series[key]) for key in ("times", "values", "measure") if key in series}
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    half = count // 2

    def part(start: int, end: int) -> str:
        piece = dict(series, count=end - start, firstId=first + start)
        for key, data in columns.items():
            width = 1 if key == "measure" else 8
            piece[key] = _b64(data[start * width:end * width])
        return encode(piece)

    return [part(0, half), part(half, count)]


def _b64(data: Any) -> str:
    return b2a_base64(data, newline=False).decode("ascii")


class _Run:
    """Consecutive metrics of one task being gathered into a series."""

    __slots__ = ("task", "first", "next", "times", "values", "which", "measures")

    def __init__(self, task: Any, number: int, when: float, measure: str, value: float) -> None:
        self.task = task
        self.first = number
        self.next = number + 1
        self.times = array("d", (when,))
        self.values = array("d", (value,))
        self.which = bytearray(1)
        self.measures = {measure: 0}

    def add(self, when: float, measure: str, value: float) -> bool:
        times = self.times
        if len(times) >= _MAX_SERIES:
            return False
        measures = self.measures
        slot = measures.get(measure)
        if slot is None:
            slot = len(measures)
            if slot >= _MAX_MEASURES:
                return False
            measures[measure] = slot
        times.append(when)
        self.values.append(value)
        self.which.append(slot)
        return True

    def emit(self, owner: Any, lines: List[str]) -> bool:
        """Appends the run's line; False when the task's fields cannot be encoded (its records then go one by one
        through `scope_metric`, which drops what it cannot make; the numbers they had are skipped)."""
        task = self.task
        wire = task.wire
        if wire is None:
            try:
                wire = task.wire = _task_wire(task)
            except (TypeError, ValueError, RecursionError):
                return False
        count = len(self.times)
        measures = self.measures
        if count == 1:
            when = self.times[0]
            lines.append(_metric_line(owner, self.first, when, task, next(iter(measures)), _float_repr(self.values[0]))
                         + "}")
            return True
        times, values = self.times, self.values
        if _SWAP:
            times.byteswap()
            values.byteswap()
        head = _series_heads.get(owner._prefix) or _series_head(owner._prefix)
        which = f',"measure":"{_b64(self.which)}"' if len(measures) > 1 else ""
        lines.append(f'{SERIES_HEAD}{count}{head}{self.first},"measures":{encode(list(measures))}{which},'
                     f'"times":"{_b64(times)}","values":"{_b64(values)}",{wire}}}')
        return True


_series_heads: Dict[str, str] = {}  # id prefix -> the series' text from its schema up to firstId's value


def _series_head(prefix: str) -> str:
    head = f',"schema":"{SCHEMA_VERSION}","idPrefix":{quote(f"e-{prefix}-")},"firstId":'
    if len(_series_heads) < 64:
        _series_heads[prefix] = head
    return head


def _metric_line(owner: Any, number: int, when: float, task: Any, measure: Any, text: str) -> str:
    """A metric event's JSON up to its optional fields (left open): the id, time, measure, value (`text`, already
    JSON) and the task's constant fields, each encoded once and kept."""
    wire = task.wire
    if wire is None:
        wire = task.wire = _task_wire(task)
    name = _names.get(measure)
    if name is None:
        name = _name_of(measure)
    head = _heads.get(owner._prefix) or _id_head(owner._prefix)
    return f'{head}{number}","time":"{iso_time(when)}","measure":{name},"value":{text},{wire}'


_INFINITIES = (math.inf, -math.inf)
_names: Dict[str, str] = {}  # measure name -> its JSON text (a training loop logs a handful of names)
_heads: Dict[str, str] = {}  # id prefix -> the line's text up to the id's number


def _name_of(measure: Any) -> str:
    text = quote(measure)
    if type(measure) is str and len(_names) < 1024:
        _names[measure] = text
    return text


def _id_head(prefix: str) -> str:
    head = _heads.get(prefix)
    if head is None:
        head = f'{{"type":"evaluation","schema":"{SCHEMA_VERSION}","id":{quote(f"e-{prefix}-")[:-1]}'
        if len(_heads) < 64:
            _heads[prefix] = head
    return head


def _general(owner: Any, record: tuple, value: Any) -> Optional[str]:
    _, number, when, task, measure, _, epoch, stage, model_id, dataset_id = record
    return evaluation(owner, (evaluation, number, when, task.workflow, None, task, task.task_id, measure, value, epoch,
                              stage, None, model_id, dataset_id))


def _task_wire(task: Any) -> str:
    fields = {"workflowExecutionId": task.workflow, "taskId": task.task_id}
    if task.stage is not None:
        fields["stage"] = task.stage
    section = section_of(task)
    if section is not None:
        fields["section"] = section
    return encode(fields)[1:-1]
