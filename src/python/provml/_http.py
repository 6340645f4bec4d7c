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
    """One kept-alive connection to the events endpoint. http:// goes over a plain socket with a minimal HTTP/1.1
    exchange (one send per batch, a status line and three headers read back: a tenth of http.client's CPU per
    request, which the sender thread spends beside the training); https:// goes through http.client."""

    def __init__(self, url: str, token: Optional[str]) -> None:
        parts = urlsplit(url.rstrip("/"))
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"provml: the server URL must be http(s)://host[:port], got {url!r}")
        self.url = url
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port or (443 if self._https else 80)
        self._path = (parts.path or "") + EVENTS_PATH
        self._headers = {"Content-Type": "application/x-ndjson", "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        host = self._host if ":" not in self._host else f"[{self._host}]"
        default_port = self._port == (443 if self._https else 80)
        self._host_header = host if default_port else f"{host}:{self._port}"
        self._head = "".join(f"{key}: {value}\r\n" for key, value in self._headers.items())
        self._connection: Optional[http.client.HTTPConnection] = None
        self._socket: Optional[socket.socket] = None
        self._buffer = b""
        self._aborted = False

    def post(self, lines: List[str], timeout: float) -> Outcome:
        body = ("\n".join(lines) + "\n").encode("utf-8")
        self._aborted = False
        for attempt in (1, 2):
            try:
                status, text = self._exchange(body, timeout)
                break
            except _Stale as error:
                # A kept-alive connection the server closed while idle: try once on a fresh one.
                self.reset()
                # A request cut by abort() (close() past its deadline) is not sent again on a fresh connection.
                if attempt == 2 or self._aborted:
                    return Outcome("retry", reason=_describe(error.__cause__ or error))
            except (OSError, http.client.HTTPException, ValueError) as error:
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

    def abort(self) -> None:
        """Cuts a request in flight (from another thread): its recv returns at once and the POST fails."""
        self._aborted = True
        sock = self._socket or (self._connection.sock if self._connection is not None else None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def reset(self) -> None:
        for closable in (self._connection, self._socket):
            if closable is not None:
                try:
                    closable.close()
                except Exception:  # noqa: BLE001 - closing a broken socket
                    pass
        self._connection = None
        self._socket = None
        self._buffer = b""

    def _exchange(self, body: bytes, timeout: float):
        timeout = max(0.05, timeout)
        if self._https:
            return self._exchange_https(body, timeout)
        fresh = self._socket is None
        if fresh:
            self._socket = socket.create_connection((self._host, self._port), timeout=timeout)
            self._socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock = self._socket
        if sock.gettimeout() != timeout:  # settimeout is a system call each time; the timeout rarely changes
            sock.settimeout(timeout)
        request = (f"POST {self._path} HTTP/1.1\r\nHost: {self._host_header}\r\n{self._head}"
                   f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1") + body
        try:
            sock.sendall(request)
            status, headers = self._read_head()
        except (ConnectionResetError, BrokenPipeError, _Closed) as error:
            if fresh:
                raise OSError(f"connection closed by the server ({error})") from error
            raise _Stale() from error
        text = self._read_body(headers)
        if headers.get("connection", "").lower() == "close":
            self.reset()
        return status, text

    def _read_head(self):
        while True:  # skips 1xx interim answers
            end = self._buffer.find(b"\r\n\r\n")
            while end < 0:
                self._fill()
                end = self._buffer.find(b"\r\n\r\n")
            head, self._buffer = self._buffer[:end].decode("latin-1"), self._buffer[end + 4:]
            lines = head.split("\r\n")
            parts = lines[0].split(" ", 2)
            if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
                raise http.client.BadStatusLine(lines[0])
            status = int(parts[1])
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if status >= 200:
                return status, headers

    def _read_body(self, headers) -> bytes:
        if "chunked" in headers.get("transfer-encoding", "").lower():
            chunks = []
            while True:
                line = self._read_line()
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self._read_line():  # trailers, then the empty line
                        pass
                    return b"".join(chunks)
                chunks.append(self._read_exact(size))
                self._read_exact(2)
        length = headers.get("content-length")
        if length is not None:
            return self._read_exact(int(length))
        data = self._buffer  # no length: the body ends with the connection
        self._buffer = b""
        while True:
            try:
                self._fill()
            except _Closed:
                break
            data += self._buffer
            self._buffer = b""
        self.reset()
        return data

    def _read_line(self) -> bytes:
        end = self._buffer.find(b"\r\n")
        while end < 0:
            self._fill()
            end = self._buffer.find(b"\r\n")
        line, self._buffer = self._buffer[:end], self._buffer[end + 2:]
        return line

    def _read_exact(self, size: int) -> bytes:
        while len(self._buffer) < size:
            self._fill()
        data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    def _fill(self) -> None:
        assert self._socket is not None
        chunk = self._socket.recv(65536)
        if not chunk:
            raise _Closed("the server closed the connection")
        self._buffer += chunk

    def _exchange_https(self, body: bytes, timeout: float):
        if self._connection is None:
            self._connection = http.client.HTTPSConnection(self._host, self._port, timeout=timeout)
        else:
            self._connection.timeout = timeout
            if self._connection.sock is not None:
                self._connection.sock.settimeout(timeout)
        try:
            self._connection.request("POST", self._path, body=body, headers=self._headers)
            response = self._connection.getresponse()
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
            raise _Stale() from error
        text = response.read()
        if response.will_close:
            self.reset()
        return response.status, text


class _Closed(ConnectionError):
    pass


class _Stale(Exception):
    pass


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
