"""Client trouble reported without ever raising: each kind once per recorder, as a Python warning."""

import threading
import warnings
from typing import Callable, Optional


class ProvmlWarning(UserWarning):
    """Category of every warning the provml client emits (filter it with the `warnings` module)."""


def _python_warning(message: str) -> None:
    warnings.warn(message, ProvmlWarning, stacklevel=2)


class Warner:
    def __init__(self, sink: Optional[Callable[[str], None]] = None) -> None:
        self._sink = sink or _python_warning
        self._seen = set()
        self._lock = threading.Lock()

    def once(self, kind: str, message: str) -> None:
        with self._lock:
            if kind in self._seen:
                return
            self._seen.add(kind)
        try:
            self._sink(message)
        except Exception:  # noqa: BLE001 - a throwing handler (or warnings turned into errors) must not reach training
            pass

    def fault(self, where: str, error: BaseException) -> None:
        """An unexpected internal fault, reported once per distinct place and message."""
        text = f"{type(error).__name__}: {error}"
        self.once(f"fault:{where}:{text}", f"provml client: {where} failed ({text}); capture continues.")

    def reset_after_fork(self) -> None:
        self._lock = threading.Lock()
