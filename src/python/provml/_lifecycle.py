"""Open recorders are closed at interpreter exit (with a deadline) and made safe in forked children."""

import atexit
import os
import sys
import threading

_open: set = set()  # strong: a recorder the program dropped without close() still delivers at exit
_registered = False
_lock = threading.Lock()


def track(recorder) -> None:
    global _registered
    with _lock:
        _open.add(recorder)
        if not _registered:
            _registered = True
            atexit.register(_close_all)
            if hasattr(os, "register_at_fork"):
                os.register_at_fork(after_in_child=_after_fork_in_child)


def forget(recorder) -> None:
    with _lock:
        _open.discard(recorder)


def _close_all() -> None:
    for recorder in list(_open):
        recorder._close_at_exit()


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # the parent's lock may have been held by one of its other threads
    recorders = list(_open)
    for recorder in recorders:
        recorder._after_fork()
    if recorders and "multiprocessing" in sys.modules:
        _close_in_multiprocessing_child()


class _Sentinel:
    """A long-lived weak-referenceable object for multiprocessing's after-fork registry."""


_sentinel = _Sentinel()


def _close_in_multiprocessing_child() -> None:
    # A multiprocessing child (a DataLoader worker, a Pool process) leaves through os._exit(), which skips atexit;
    # its exit finalizers do run. Its bootstrap clears finalizers registered before it starts, then runs the
    # after-fork callbacks: register the finalizer from one of those.
    try:
        from multiprocessing import util

        def register(_obj: object) -> None:
            util.Finalize(None, _close_all, exitpriority=100)

        util.register_after_fork(_sentinel, register)
    except Exception:  # noqa: BLE001 - capture must never break the child
        pass
