"""The spill file (oldest undelivered events, NDJSON) and the rejected file (refused events with the reasons)."""

import json
import os
from typing import Any, Dict, List, Optional, Tuple

from ._shapes import count_events, events_in

_CHUNK = 256 * 1024


def append_lines(path: str, lines: List[str]) -> None:
    """One write of whole lines on an O_APPEND descriptor, so writers in forked processes do not interleave."""
    if not lines:
        return
    data = ("\n".join(lines) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
    finally:
        os.close(fd)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class SpillFile:
    """Holds the OLDEST undelivered events, read back in order from a byte offset and removed once all of it is
    delivered. Only the recorder's sender thread touches it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.offset = 0
        self.pending = 0
        self._initialized = False

    def init(self) -> int:
        """Picks up a spill file left by an earlier recorder, so its events are delivered first."""
        if self._initialized:
            return 0
        self._initialized = True
        if _size(self.path) == 0:
            return 0
        last = b"\n"
        with open(self.path, "rb") as handle:
            for raw in handle:
                last = raw[-1:]
                if last == b"\n":
                    text = raw.decode("utf-8", "replace").strip()
                    self.pending += events_in(text) if text else 0
        if last != b"\n":
            # A torn last line (a crash mid-append) becomes a line of its own; the server refuses it visibly.
            with open(self.path, "ab") as handle:
                handle.write(b"\n")
            self.pending += 1
        return self.pending

    def append(self, lines: List[str]) -> None:
        append_lines(self.path, lines)
        self.pending += count_events(lines)

    def read_batch(self, max_events: int) -> Tuple[List[str], int]:
        """The next complete lines after the delivered offset, up to `max_events` events (at least one line; a
        metric series counts as its events), and the offset just after them."""
        lines: List[str] = []
        events = 0
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            position = self.offset
            while events < max_events:
                raw = handle.readline()
                if not raw or not raw.endswith(b"\n"):
                    break
                position += len(raw)
                text = raw.decode("utf-8", "replace").strip()
                if text:
                    lines.append(text)
                    events += events_in(text)
        return lines, position

    def commit(self, end_offset: int, count: int) -> None:
        """Marks a batch as delivered; removes the file once nothing in it is pending."""
        self.offset = end_offset
        self.pending = max(0, self.pending - count)
        if self.offset >= _size(self.path):
            try:
                os.remove(self.path)
            except FileNotFoundError:
                pass
            self.offset = 0
            self.pending = 0

    def persist(self, older: List[str], newer: List[str]) -> None:
        """Keeps undelivered events for later, oldest first: `older` (taken out before anything in the file), what
        the file still holds, then `newer`. Rewrites through a temporary file when `older` must go first."""
        if not older:
            self.append(newer)
            return
        temporary = f"{self.path}.tmp"
        with open(temporary, "wb") as out:
            out.write(("\n".join(older) + "\n").encode("utf-8"))
            if self.pending > 0 and os.path.exists(self.path):
                with open(self.path, "rb") as source:
                    source.seek(self.offset)
                    while True:
                        chunk = source.read(_CHUNK)
                        if not chunk:
                            break
                        out.write(chunk)
            if newer:
                out.write(("\n".join(newer) + "\n").encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)
        self.offset = 0
        self.pending += count_events(older) + count_events(newer)


def write_rejected(
    path: str, lines: List[str], status: int, body: Any, errors: Optional[Dict[int, List[Any]]], at: str
) -> None:
    records = []
    for index, line in enumerate(lines):
        reason: Dict[str, Any] = {"at": at, "status": status}
        if errors is not None:
            reason["errors"] = errors.get(index, [])
        else:
            reason["body"] = body
        records.append(json.dumps({"rejected": reason, "event": _parse_or_text(line)}, separators=(",", ":")))
    append_lines(path, records)


def split_rejected(lines: List[str], status: int, body: Any) -> Tuple[List[str], Optional[Dict[int, List[Any]]], List[str]]:
    """Which lines of a refused batch are bad (when a 400 body names them by index) and which can go again:
    (rejected lines, their findings by position, lines to retry)."""
    bad = _errors_by_index(body, len(lines)) if status == 400 else None
    if bad is None:
        return lines, None, []
    indices = sorted(bad)
    rejected = [lines[index] for index in indices]
    errors = {position: bad[index] for position, index in enumerate(indices)}
    retry = [line for index, line in enumerate(lines) if index not in bad]
    return rejected, errors, retry


def _errors_by_index(body: Any, batch_length: int) -> Optional[Dict[int, List[Any]]]:
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return None
    by_index: Dict[int, List[Any]] = {}
    for error in errors:
        index = error.get("index") if isinstance(error, dict) else None
        if not isinstance(index, int) or isinstance(index, bool) or index < 0 or index >= batch_length:
            return None
        by_index.setdefault(index, []).append(error)
    return by_index or None


def _parse_or_text(line: str) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return line
