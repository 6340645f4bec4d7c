"""Where recorded events go. A call only appends its record (a tuple, see _shapes) to an in-memory queue; one daemon
thread per recorder shapes and serializes it, sends (or writes) and spills. The calling thread never does I/O,
formatting or serialization."""

import os
import random
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, List, NamedTuple, Optional

from . import _shapes
from ._events import now
from ._files import SpillFile, _size, append_lines, split_rejected, write_rejected
from ._http import Outcome, Sender
from ._shapes import count_events
from ._warnings import Warner


@dataclass(frozen=True)
class DeliveryResult:
    """What flush() or close() achieved."""

    complete: bool
    """Every event recorded before the call was delivered (or written, offline)."""
    delivered: int
    """Events the server acknowledged (or written to the offline file) since the recorder started."""
    pending: int
    """Events not yet delivered: in memory plus in the spill file."""
    spilled: int
    """Of `pending`, those in the spill file."""
    rejected: int = 0
    """Events the server refused, kept with its reasons in `rejected_file`."""
    triples: int = 0
    spill_file: Optional[str] = None
    rejected_file: Optional[str] = None
    file: Optional[str] = None


_SHARE_WAIT_CAP = 30.0


class Delivery(NamedTuple):
    """How an HttpSink delivers: the Recorder's options of these names (the Recorder holds their defaults)."""

    batch_size: int
    flush_interval: float
    max_buffered_events: int
    request_timeout: float
    retry_base: float
    retry_max: float
    server_share: float


def backoff_delay(attempt: int, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Exponential back-off with equal jitter: half the capped delay fixed, half random (never above `cap`)."""
    capped = min(cap, base * 2 ** min(attempt, 30))
    return capped / 2 + capped / 2 * rng()


class Queue(list):
    """The records waiting for the sender thread: callers append on the right, only the thread takes from the left
    (a slice and its deletion, each one step under the GIL). A list, not a deque: its header, its length and
    `wake_at` share one cache line (the object is 48 bytes, 64-aligned), so the caller's append and length check
    right after a training step, when every line is a miss, touch that line and the slot they write (a deque's
    `wake_at` sat 216 bytes from its length, and its append touched two more lines)."""

    __slots__ = ("wake_at",)

    def __init__(self) -> None:
        super().__init__()
        self.wake_at = 1  # length at which a push wakes (or, at 1, starts) the thread: batch_size once running

    def put_back(self, records: List[tuple]) -> None:
        """Records taken but not handled go back on the left, in their order (one step under the GIL)."""
        self[0:0] = records


class _Pump:
    """The buffer and its background thread, shared by the HTTP and file sinks."""

    def __init__(self, warner: Warner, batch_size: int, flush_interval: float) -> None:
        self.on_start: Optional[Callable[[], None]] = None
        self.owner: Any = None  # what the records' builders read (the Recorder: id prefix, who/where defaults)
        self.memory: Queue = Queue()
        self.warner = warner
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self._reset_state()

    def _reset_state(self) -> None:
        self.memory.clear()  # the same queue for the recorder's life: task scopes hold it
        self.taken = 0  # events the thread took out of memory (only the thread writes it)
        # The thread's doorbell: a plain lock it holds and waits to take again, released by a wake (a C-level wait,
        # where an Event's is a page of Python run cold every tick).
        self._bell = threading.Lock()
        self._bell.acquire()
        self._woken = False
        self._progress = threading.Condition(threading.Lock())
        self._progress_waiters = 0  # flush() calls waiting on _progress (the thread notifies only when there are)
        self._start_lock = threading.Lock()
        self._thread: Optional[threading.Thread] = None
        self._closing_until: Optional[float] = None
        self._urgent = False
        self._stopped = False
        self.memory.wake_at = 1

    # -- the caller's side: no I/O, no serialization -------------------------------------------------------------
    def push(self, record: tuple) -> None:
        """The record of an event (see _shapes): an append and a length check, on the caller's thread."""
        memory = self.memory
        memory.append(record)
        if len(memory) >= memory.wake_at:
            self.wake_or_start()

    def wake_or_start(self) -> None:
        if self._thread is None:
            self._start()
        elif not self._woken:
            self._woken = True
            self._ring()

    def _ring(self) -> None:
        try:
            self._bell.release()
        except RuntimeError:  # rung already
            pass

    def _running_wake_at(self) -> int:
        return self.batch_size

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            self._stopped = False
            self._closing_until = None
            if self.on_start is not None:
                self.on_start()  # a recorder used again after close() is closed at exit again
            thread = threading.Thread(target=self._run, name="provml-sender", daemon=True)
            self._thread = thread
            self.memory.wake_at = self._running_wake_at()
            thread.start()

    def accepted_now(self) -> int:
        # Read the queue first: a batch taken in between makes the target too high (a short wait), never too low.
        in_memory = len(self.memory)
        return self.taken + in_memory

    def flush(self, timeout: Optional[float]) -> DeliveryResult:
        target = self.accepted_now()
        if self._thread is None:
            self._start()
        deadline = None if timeout is None else time.monotonic() + max(0.0, timeout)
        self._urgent = True
        self._ring()
        with self._progress:
            self._progress_waiters += 1
            try:
                while not self._settled_up_to(target):
                    remaining = None if deadline is None else deadline - time.monotonic()
                    if remaining is not None and remaining <= 0:
                        break
                    if self._thread is None or not self._thread.is_alive():
                        break
                    self._progress.wait(remaining if remaining is not None else 1.0)
            finally:
                self._progress_waiters -= 1
        return self.summary(self._settled_up_to(target))

    def close(self, timeout: Optional[float]) -> DeliveryResult:
        """Delivers what it can before the deadline, keeps the rest in the spill file, stops the thread."""
        thread = self._thread
        if thread is None or not thread.is_alive():
            if len(self.memory) == 0 and not self._has_backlog():
                return self.summary(True)
            self._start()
            thread = self._thread
        target = self.accepted_now()
        timeout = 3600.0 * 24 * 365 if timeout is None else max(0.0, timeout)
        # Keep a margin to spill what is left, so close() returns within its deadline.
        margin = min(0.5, timeout * 0.1)
        deadline = time.monotonic() + timeout
        self._closing_until = deadline - margin
        self._urgent = True
        self._ring()
        if thread is not None:
            thread.join(max(0.0, deadline - margin / 2 - time.monotonic()))
            if thread.is_alive():
                # A request started before close() still waits for its answer: cut it, then the thread spills.
                self._abort_in_flight()
                thread.join(max(0.05, deadline - time.monotonic()))
        return self.summary(self._settled_up_to(target) and len(self.memory) == 0)

    # -- the thread's side -----------------------------------------------------------------------------------------
    def _run(self) -> None:
        try:
            self._init()
        except Exception as error:  # noqa: BLE001
            self.warner.fault("starting delivery", error)
        while True:
            # Woken by a push (a batch's worth is waiting), not by the interval, flush() or close(): only full
            # batches are due, so a steady stream is not cut into one small request per round trip.
            bell = self._bell
            full_only = not self._urgent and bell.acquire(True, self._wait_time(self._closing_until))
            closing = self._closing_until
            full_only = full_only and not self._urgent and closing is None
            bell.acquire(False)  # a ring that came meanwhile is answered by this round
            self._woken = False
            self._urgent = False
            try:
                self._step(closing, full_only)
            except Exception as error:  # noqa: BLE001 - never let the thread die silently
                self.warner.fault("delivery", error)
                self._after_failure()
            done = closing is not None and self._close_step(closing)
            # A flush() counts itself in under the lock before it checks, so one that is not counted yet sees
            # this round's progress when it does.
            if self._progress_waiters:
                with self._progress:
                    self._progress.notify_all()
            if done:
                self._on_stop()
                self._stopped = True
                self._thread = None
                self.memory.wake_at = 1  # the next push starts a thread again
                with self._progress:
                    self._progress.notify_all()
                return

    def _close_step(self, closing_until: float) -> bool:
        if len(self.memory) == 0 and not self._has_backlog():
            return True
        if time.monotonic() < closing_until:
            return False
        try:
            self._persist_all()
        except Exception as error:  # noqa: BLE001
            self.warner.fault("keeping undelivered events", error)
        return True

    def take_memory(self, limit: int) -> List[tuple]:
        # Only this thread takes, so what the length says is there stays there; appends meanwhile land after it.
        # `taken` grows before the deletion: a flush() reading the length, then `taken`, never counts short.
        memory = self.memory
        count = min(limit, len(memory))
        events = memory[:count]
        self.taken += count
        del memory[:count]
        return events

    def serialize(self, records: List[tuple]) -> List[str]:
        """Each record's JSON line, made by its builder (an event that cannot be made is dropped, said once); a
        4-tuple is a task scope's metric, most of them made by one loop (_shapes.scope_metric_lines)."""
        lines: List[str] = []
        owner = self.owner
        scope_metric = _shapes.scope_metric
        scope_metric_lines = _shapes.scope_metric_lines
        index, end = 0, len(records)
        while index < end:
            index = scope_metric_lines(owner, records, index, lines)
            if index == end:
                break
            record = records[index]
            index += 1
            try:
                line = scope_metric(owner, record) if len(record) == 4 else record[0](owner, record)
            except (TypeError, ValueError, AttributeError, RecursionError):
                line = None
            if line is None:
                self.warner.once("unserializable", "provml client: dropped an event that is not JSON-serializable.")
                self.settle(0, 0, 1)
            else:
                lines.append(line)
        return lines

    # Subclasses implement these.
    def _init(self) -> None: ...
    def _wait_time(self, closing: Optional[float]) -> float: return self.flush_interval
    def _step(self, closing: Optional[float], full_only: bool) -> None: ...
    def _after_failure(self) -> None: ...
    def _has_backlog(self) -> bool: return False
    def _persist_all(self) -> None: ...
    def _on_stop(self) -> None: ...
    def _abort_in_flight(self) -> None: ...
    def _settled_up_to(self, target: int) -> bool: raise NotImplementedError
    def settle(self, delivered: int, rejected: int, dropped: int = 0) -> None: ...
    def summary(self, complete: bool) -> DeliveryResult: raise NotImplementedError

    def reset_after_fork(self) -> None:
        """In a forked child: the parent keeps delivering what it recorded; the child starts empty, with its own
        thread (started on its first event) and fresh locks (a lock held by the parent's thread stays held)."""
        self._reset_state()


class HttpSink(_Pump):
    """Delivers in order, in batches, retrying with jittered back-off; beyond the memory bound the oldest events go
    to the spill file, which is sent first once the server answers (by this or a later recorder)."""

    def __init__(
        self,
        url: str,
        token: Optional[str],
        spill_file: str,
        rejected_file: str,
        warner: Warner,
        delivery: Delivery,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.url = url
        self.token = token
        self.spill_path = spill_file
        self.rejected_path = rejected_file
        self.max_buffered = delivery.max_buffered_events
        self.request_timeout = delivery.request_timeout
        self.retry_base = delivery.retry_base
        self.retry_max = delivery.retry_max
        self.server_share = delivery.server_share
        self.last_request_seconds = 0.0
        self.rng = rng
        self.sender = Sender(url, token)
        self._configured_batch = delivery.batch_size
        super().__init__(warner, delivery.batch_size, delivery.flush_interval)
        if _size(spill_file) > 0:
            self._start()  # a spill file left by an earlier recorder: deliver it even if nothing new is recorded

    def _reset_state(self) -> None:
        super()._reset_state()
        self.batch_size = self._configured_batch
        self.head: List[str] = []  # serialized lines taken out of memory or the spill file, not yet settled
        self.spill = SpillFile(self.spill_path)
        self.settled = 0
        self.inherited = 0
        self.delivered = 0
        self.rejected = 0
        self.triples = 0
        self.attempt = 0
        self.next_try = 0.0

    def _running_wake_at(self) -> int:
        return min(self.batch_size, self.max_buffered + 1)

    def _init(self) -> None:
        try:
            self.inherited = self.spill.init()
        except OSError as error:
            self.warner.fault(f"reading the spill file {self.spill.path}", error)

    def _wait_time(self, closing: Optional[float]) -> float:
        # A server that takes long to answer (busy, or sharing the training's cores) gets fewer, fuller batches:
        # the time it spends answering this recorder stays under `server_share` of the wall-clock time (the wait
        # capped at 30 s, or the interval when longer).
        wait = max(self.flush_interval, min(self.last_request_seconds / self.server_share, _SHARE_WAIT_CAP))
        if self.attempt > 0:
            wait = min(wait, max(0.0, self.next_try - time.monotonic()))
        if closing is not None:
            wait = min(wait, max(0.0, closing - time.monotonic()))
            if len(self.memory) > 0 and self.attempt == 0:
                wait = 0.0
        return wait

    def _step(self, closing: Optional[float], full_only: bool) -> None:
        self._spill_overflow()
        if self.attempt > 0 and time.monotonic() < self.next_try and not self._urgent_once():
            return
        # What is in memory now is due; events arriving while these requests are in flight wait for the next tick
        # unless they fill a batch (as in the TypeScript client). A backlog (head, spill file) is already late.
        due = 0 if full_only else len(self.memory)
        while True:
            if not self.head and self.spill.pending == 0 and due <= 0 and len(self.memory) < self.batch_size:
                return
            taken = self.taken
            lines = self._next_batch()
            due -= self.taken - taken
            if not lines:
                return
            timeout = self.request_timeout
            if closing is not None:
                timeout = min(timeout, closing - time.monotonic())
                if timeout <= 0:
                    return
            started = time.monotonic()
            outcome = self.sender.post(lines, timeout)
            self.last_request_seconds = time.monotonic() - started
            if outcome.kind == "retry":
                self._failed(outcome.reason)
                return
            events = count_events(lines)
            self._remove(len(lines), events)
            self.attempt = 0
            if outcome.kind == "delivered":
                self.triples += outcome.triples
                self.settle(events, 0)
            else:
                self._rejected(lines, outcome)
            self._spill_overflow()

    def _urgent_once(self) -> bool:
        # flush()/close() ask for one attempt now, ignoring the back-off; later attempts follow it again.
        if self._flush_bypass:
            self._flush_bypass = False
            return True
        return False

    _flush_bypass = False

    def flush(self, timeout: Optional[float]) -> DeliveryResult:
        self._flush_bypass = True
        return super().flush(timeout)

    def close(self, timeout: Optional[float]) -> DeliveryResult:
        self._flush_bypass = True
        return super().close(timeout)

    def _next_batch(self) -> List[str]:
        """Oldest first: head → spill file → memory. Lines from memory are serialized once, here, and kept in head
        until settled, so a retry resends identical JSON."""
        if self.head:
            self._source = "head"
            return self.head[: self.batch_size]
        if self.spill.pending > 0:
            lines, end = self.spill.read_batch(self.batch_size)
            if lines:
                self._source = "spill"
                self._spill_end = end
                return lines
            self.spill.commit(end, 0)
        if not self.memory:
            return []
        self.head = self.serialize(self.take_memory(self.batch_size))
        self._source = "head"
        return self.head[: self.batch_size]

    def _remove(self, lines: int, events: int) -> None:
        if self._source == "head":
            del self.head[:lines]
        else:
            self.spill.commit(self._spill_end, events)

    def _failed(self, reason: str) -> None:
        self.attempt += 1
        self.next_try = time.monotonic() + backoff_delay(self.attempt - 1, self.retry_base, self.retry_max, self.rng)
        self.warner.once(
            "retry",
            f"provml client: cannot deliver events to {self.url} ({reason}); retrying with back-off, buffering up to "
            f"{self.max_buffered} events in memory, then in {self.spill.path}.",
        )

    def _after_failure(self) -> None:
        self.attempt += 1
        self.next_try = time.monotonic() + backoff_delay(self.attempt - 1, self.retry_base, self.retry_max, self.rng)

    def _rejected(self, lines: List[str], outcome: Outcome) -> None:
        halves = _shapes.split_series_line(lines[0]) if outcome.status == 413 and len(lines) == 1 else None
        if outcome.status == 413 and (len(lines) > 1 or halves):
            # Fewer lines per request; a request of one metric series is cut in two series instead.
            self.batch_size = max(1, (count_events(lines) if halves else len(lines)) // 2)
            self.memory.wake_at = self._running_wake_at()
            self.head = (halves or lines) + self.head
            return
        rejected, errors, retry = split_rejected(lines, outcome.status, outcome.body)
        self.head = retry + self.head
        try:
            write_rejected(self.rejected_path, rejected, outcome.status, outcome.body, errors, now())
        except OSError as error:
            self.warner.fault(f"writing {self.rejected_path}", error)
        refused = count_events(rejected)
        self.settle(0, refused)
        self.warner.once(
            "rejected",
            f"provml client: the server refused {refused} event(s) ({outcome.reason}); they are kept with the "
            f"server's reasons in {self.rejected_path}.",
        )

    def _spill_overflow(self) -> None:
        if len(self.memory) <= self.max_buffered:
            return
        count = len(self.memory) - self.max_buffered // 2
        events = self.take_memory(count)
        lines = self.serialize(events)
        try:
            self.spill.append(lines)
        except OSError as error:
            self.warner.fault(f"writing the spill file {self.spill.path}", error)
            self.memory.put_back(events)
            self.taken -= len(events)
            return
        self.warner.once(
            "spill",
            f"provml client: more than {self.max_buffered} events are waiting for {self.url}; the oldest are kept in "
            f"{self.spill.path} and sent first once the server answers (or load it with: provml ingest "
            f"{self.spill.path}).",
        )

    def _has_backlog(self) -> bool:
        return bool(self.head) or self.spill.pending > 0

    def _on_stop(self) -> None:
        self.sender.reset()

    def _abort_in_flight(self) -> None:
        self.sender.abort()

    def _persist_all(self) -> None:
        events = self.take_memory(len(self.memory))
        try:
            self.spill.persist(self.head, self.serialize(events))
        except BaseException:
            self.memory.put_back(events)  # still pending, and counted so
            self.taken -= len(events)
            raise
        self.head = []
        self.warner.once(
            "close-spill",
            f"provml client: {self.spill.pending} event(s) were not delivered before close(); they are kept in "
            f"{self.spill.path} (a recorder with the same spill_file sends them, or: provml ingest {self.spill.path}).",
        )

    def settle(self, delivered: int, rejected: int, dropped: int = 0) -> None:
        self.delivered += delivered
        self.rejected += rejected
        self.settled += delivered + rejected + dropped

    def _settled_up_to(self, target: int) -> bool:
        return self.settled - self.inherited >= target

    def summary(self, complete: bool) -> DeliveryResult:
        spilled = self.spill.pending
        return DeliveryResult(
            complete=complete,
            delivered=self.delivered,
            pending=count_events(self.head) + spilled + len(self.memory),
            spilled=spilled,
            rejected=self.rejected,
            triples=self.triples,
            spill_file=self.spill.path,
            rejected_file=self.rejected_path,
        )

    def reset_after_fork(self) -> None:
        self.spill_path = child_path(self.spill_path)
        self.rejected_path = child_path(self.rejected_path)
        self.sender = Sender(self.url, self.token)  # the parent's kept-alive socket is not ours to use
        super().reset_after_fork()


class FileSink(_Pump):
    """Offline capture: appends events as NDJSON to a local file, in batches, for `provml ingest` later."""

    def __init__(self, path: str, warner: Warner, batch_size: int = 500, flush_interval: float = 2.0) -> None:
        self.path = path
        super().__init__(warner, batch_size, flush_interval)

    def _reset_state(self) -> None:
        super()._reset_state()
        self.lines: List[str] = []  # serialized, not yet written
        self.written = 0
        self.settled = 0

    def _wait_time(self, closing: Optional[float]) -> float:
        return 0.0 if closing is not None and (self.memory or self.lines) else self.flush_interval

    def _step(self, closing: Optional[float], full_only: bool) -> None:
        while self.memory or self.lines:
            if not self.lines:
                self.lines = self.serialize(self.take_memory(max(self.batch_size, len(self.memory))))
            try:
                append_lines(self.path, self.lines)
            except OSError as error:
                self.warner.fault(f"writing {self.path}", error)
                if closing is not None:
                    time.sleep(min(0.1, max(0.0, closing - time.monotonic())))
                return
            events = count_events(self.lines)
            self.written += events
            self.settled += events
            self.lines = []

    def _has_backlog(self) -> bool:
        return bool(self.lines)

    def _settled_up_to(self, target: int) -> bool:
        return self.settled >= target

    def settle(self, delivered: int, rejected: int, dropped: int = 0) -> None:
        self.settled += delivered + rejected + dropped

    def summary(self, complete: bool) -> DeliveryResult:
        return DeliveryResult(
            complete=complete,
            delivered=self.written,
            pending=count_events(self.lines) + len(self.memory),
            spilled=0,
            file=self.path,
        )


def child_path(path: str) -> str:
    """A forked child's own spill / rejected file next to the parent's (two writers never share one file)."""
    stem, dot, ext = path.rpartition(".")
    suffix = f"child-{os.getpid()}"
    if dot and "/" not in ext and ext in ("ndjson", "jsonl"):
        if stem.endswith(".rejected"):
            return f"{stem[: -len('.rejected')]}.{suffix}.rejected.{ext}"
        return f"{stem}.{suffix}.{ext}"
    return f"{path}.{suffix}"
