"""Small pure helpers that shape event fields (the wire format is src/capture/events.schema.json, provml/1)."""

import json
import math
import time as _time
from typing import Any, Dict, Optional

SCHEMA_VERSION = "provml/1"

_LITERALS = (str, int, float, bool)
_second_cache = (-1, "")
# The milliseconds' text by lookup (formatting ":03d" costs a third of a metric's line); 1000 is a fraction just
# under one second rounded up by the multiplication.
MILLIS = tuple(f".{min(ms, 999):03d}Z" for ms in range(1001))


def now() -> str:
    """ISO-8601 UTC with milliseconds, like JavaScript's toISOString()."""
    return iso_time(_time.time())


def iso_time(t: float) -> str:
    """A Unix time as ISO-8601 UTC with milliseconds; the formatted second is cached."""
    global _second_cache
    second = int(t)
    cached_second, prefix = _second_cache
    if second != cached_second:
        prefix = second_text(second)
        _second_cache = (second, prefix)
    return prefix + MILLIS[int((t - second) * 1000)]


def second_text(second: int) -> str:
    """A whole Unix second as ISO-8601 UTC up to the seconds."""
    return _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(second))


def plain(value: Any) -> Any:
    """A JSON-ready copy taken at call time: later changes to the caller's objects do not change the event.
    numpy / torch scalars become Python numbers (through .item()), tuples and sets lists, other objects text."""
    if value is None or type(value) in _LITERALS:
        return value
    if isinstance(value, dict):
        return {str(key): plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [plain(item) for item in value]
    if isinstance(value, _LITERALS):  # subclasses (IntEnum, numpy.float64)
        return value if isinstance(value, bool) else type_of_literal(value)
    item = getattr(value, "item", None)
    if callable(item):
        try:
            return plain(item())
        except Exception:  # noqa: BLE001 - not a scalar (a tensor of many values): fall through to text
            pass
    if hasattr(value, "__fspath__"):
        return str(value)
    return str(value)


def type_of_literal(value: Any) -> Any:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    return float(value)


def literal(value: Any) -> Any:
    """A metric or hyperparameter value: number, string or boolean (fast path for the common types)."""
    if type(value) in _LITERALS:
        return value
    converted = plain(value)
    return converted if isinstance(converted, _LITERALS) else str(converted)


def literal_map(values: Optional[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    if values is None:
        return None
    return {str(key): literal(value) for key, value in values.items() if value is not None}


def error_text(error: Any) -> Optional[str]:
    """The first line a traceback would show ("ValueError: bad input"), like the TypeScript client."""
    if error is None:
        return None
    if isinstance(error, BaseException):
        message = str(error)
        return f"{type(error).__name__}: {message}" if message else type(error).__name__
    return error if isinstance(error, str) else str(error)


encode = json.JSONEncoder(separators=(",", ":"), check_circular=False, allow_nan=False).encode
quote = json.encoder.encode_basestring_ascii  # the C string encoder json.dumps uses


def event_line(event: Dict[str, Any]) -> Optional[str]:
    """JSON text of an event, or None when it cannot be serialized. NaN and ±Infinity keep their XSD spelling
    ("NaN", "INF", "-INF") rather than becoming invalid JSON."""
    try:
        return encode(event)
    except (TypeError, ValueError, RecursionError):
        try:
            return encode(_finite(plain(event)))
        except (TypeError, ValueError, RecursionError):
            return None


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("INF" if value > 0 else "-INF")
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value
