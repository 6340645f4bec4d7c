"""POSTs NDJSON batches to the events endpoint with http.client (one kept-alive connection). Never raises."""

import http.client
import json
import socket
from typing import Any, List, NamedTuple, Optional
from urllib.parse import urlsplit

EVENTS_PATH = "/api/v1/events"

# Answers that say nothing against the events themselves: a timeout, throttling, or a credential / address problem
# the operator can fix. The events stay queued (and spill) rather than being declared rejected.
_RETRIED_STATUSES = {401, 403, 404, 408, 429}


class Outcome(NamedTuple):
    kind: str  # "delivered" | "retry" | "rejected"
    status: int = 0
    body: Any = None
    reason: str = ""
    triples: int = 0


class Sender:
    def __init__(self, url: str, token: Optional[str]) -> None:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"provml: the server URL must be http(s)://host[:port], got {url!r}")
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._path = (parts.path or "") + EVENTS_PATH
        self._headers = {"Content-Type": "application/x-ndjson", "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        self._connection: Optional[http.client.HTTPConnection] = None

    def post(self, lines: List[str], timeout: float) -> Outcome:
        body = ("\n".join(lines) + "\n").encode("utf-8")
        for attempt in (1, 2):
            try:
                connection = self._connect(timeout)
                connection.request("POST", self._path, body=body, headers=self._headers)
                response = connection.getresponse()
                status = response.status
                text = response.read()
                if response.will_close:
                    self.reset()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                # A kept-alive connection the server closed while idle: try once on a fresh one.
                self.reset()
                if attempt == 2:
                    return Outcome("retry", reason=_describe(error))
            except (OSError, http.client.HTTPException) as error:
                self.reset()
                return Outcome("retry", reason=_describe(error))
        parsed = _parse(text)
        if 200 <= status < 300:
            triples = parsed.get("triples") if isinstance(parsed, dict) else None
            return Outcome("delivered", status=status, body=parsed, triples=triples if isinstance(triples, int) else 0)
        reason = f"HTTP {status}{_error_text(parsed)}"
        if status >= 500 or status in _RETRIED_STATUSES:
            return Outcome("retry", status=status, body=parsed, reason=reason)
        return Outcome("rejected", status=status, body=parsed, reason=reason)

    def reset(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # noqa: BLE001 - closing a broken socket
                pass
        self._connection = None

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        timeout = max(0.05, timeout)
        if self._connection is None:
            kind = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
            self._connection = kind(self._host, self._port, timeout=timeout)
        else:
            self._connection.timeout = timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout)
        return self._connection


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    try:
        return json.loads(text)
    except ValueError:
        return text


def _error_text(body: Any) -> str:
    if isinstance(body, str):
        return f": {body.strip()[:200]}"
    error = body.get("error") if isinstance(body, dict) else None
    return f": {error}" if isinstance(error, str) else ""


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "ECONNREFUSED"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
