"""Test helpers: a fake events server in-process, a real `provml serve` in a child process, optional modules."""

import base64
import datetime
import importlib
import json
import math
import os
import re
import subprocess
import struct
import sys
import tempfile
import threading
import time
import unittest
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(REPO, "src", "python"))


def require(module: str):
    """The module, or: a failure under CI (CI installs python3-torch and python3-sklearn), a skip elsewhere."""
    try:
        return importlib.import_module(module)
    except ImportError as error:
        message = (f"{module} is not importable by {sys.executable} ({error}); install Debian's python3-torch and "
                   f"python3-sklearn and run the tests with /usr/bin/python3")
        if os.environ.get("CI") == "true":
            raise AssertionError(message) from error
        raise unittest.SkipTest(message) from error


class FakeServer:
    """POST /api/v1/events on 127.0.0.1:<free port>. `respond` decides each answer: (status, body dict)."""

    def __init__(self, respond: Optional[Callable[[List[str]], Any]] = None, close_after_response: bool = False,
                 chunked: bool = False) -> None:
        self.requests: List[List[str]] = []  # the lines of every request, in arrival order
        self.headers: List[Dict[str, str]] = []
        self.respond = respond or (lambda lines: (202, {"events": len(lines), "triples": len(lines) * 3}))
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode("utf-8")
                lines = [line for line in body.split("\n") if line]
                with fake.lock:
                    fake.requests.append(lines)
                    fake.headers.append(dict(self.headers))
                    status, answer = fake.respond(lines)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    half = len(data) // 2
                    for part in (data[:half], data[half:], b""):
                        self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
                else:
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                if close_after_response:
                    self.close_connection = True  # without saying so: the client finds out on its next request

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def delivered(self) -> List[Dict[str, Any]]:
        """Events of the requests answered 2xx (the respond function records which were accepted)."""
        with self.lock:
            return events_of(line for lines in self.requests for line in lines)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def events_of(lines) -> List[Dict[str, Any]]:
    """The events NDJSON lines stand for, as the server reads them: a metric series (src/capture/series.ts) is
    one evaluation per value. Written from the wire format's description, not from the client's code."""
    events: List[Dict[str, Any]] = []
    for line in lines:
        item = json.loads(line)
        if item.get("type") != "evaluation.series":
            events.append(item)
            continue
        count = item["count"]
        times = struct.unpack(f"<{count}d", base64.b64decode(item["times"], validate=True))
        values = struct.unpack(f"<{count}d", base64.b64decode(item["values"], validate=True))
        which = base64.b64decode(item["measure"], validate=True) if "measure" in item else bytes(count)
        assert len(which) == count, item
        shared = {k: v for k, v in item.items()
                  if k not in ("type", "count", "idPrefix", "firstId", "measures", "measure", "times", "values")}
        for k in range(count):
            whole = math.floor(times[k])
            millis = min(999, math.floor((times[k] - whole) * 1000))
            time_text = datetime.datetime.fromtimestamp(whole, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            events.append({"type": "evaluation", **shared, "id": f"{item['idPrefix']}{item['firstId'] + k}",
                           "time": f"{time_text}.{millis:03d}Z", "measure": item["measures"][which[k]],
                           "value": values[k]})
    return events


def closed_port_url() -> str:
    """A URL where nothing listens (a port bound then released)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def node_binary() -> str:
    candidates = [os.environ.get("PROVML_NODE"), os.path.join(REPO, "node_modules", ".bin", "node")]
    for candidate in candidates:
        if candidate and os.path.exists(candidate):
            return candidate
    return "node"


class ProvmlServe:
    """`provml serve --port 0` on a temporary data directory; the URL is read from what it prints."""

    def __init__(self) -> None:
        self.data = tempfile.mkdtemp(prefix="provml-pytest-data-")
        env = {**os.environ, "PROVML_LOG_LEVEL": "warn", "PROVML_TOKEN": ""}
        self.process = subprocess.Popen(
            [node_binary(), os.path.join(REPO, "src", "cli", "provml.js"), "serve", "--port", "0", "--data", self.data],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=REPO, text=True,
        )
        self.stderr = ""
        deadline = time.monotonic() + 60
        url = None
        assert self.process.stderr is not None
        while url is None:
            line = self.process.stderr.readline()
            if not line:
                raise RuntimeError(f"provml serve exited before listening: {self.stderr}")
            self.stderr += line
            match = re.search(r"provml serving on (http://\S+) ", line)
            if match:
                url = match.group(1)
            if time.monotonic() > deadline:
                raise RuntimeError(f"provml serve did not start: {self.stderr}")
        self.url = url
        threading.Thread(target=self._drain, daemon=True).start()
        with urllib.request.urlopen(f"{self.url}/health", timeout=10) as response:
            assert response.status == 200

    def _drain(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr += line

    def query(self, name: str, params: Dict[str, Any]) -> List[Dict[str, str]]:
        """A catalog query over HTTP (POST /api/v1/queries/<name>), as rows of plain values."""
        request = urllib.request.Request(
            f"{self.url}/api/v1/queries/{name}", data=json.dumps({"params": params}).encode(), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            results = json.load(response)
        return [{key: cell["value"] for key, cell in row.items()} for row in results["results"]["bindings"]]

    def ingest(self, path: str) -> str:
        done = subprocess.run(
            [node_binary(), os.path.join(REPO, "src", "cli", "provml.js"), "ingest", "--url", self.url, path],
            capture_output=True, text=True, cwd=REPO, timeout=120,
        )
        if done.returncode != 0:
            raise AssertionError(f"provml ingest failed: {done.stderr}")
        return done.stdout

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        import shutil

        shutil.rmtree(self.data, ignore_errors=True)


_shared: Optional[ProvmlServe] = None


def shared_server() -> ProvmlServe:
    """One `provml serve` for all end-to-end tests of the run (start-up costs a few seconds)."""
    global _shared
    if _shared is None:
        _shared = ProvmlServe()
        import atexit

        atexit.register(_shared.close)
    return _shared


def wait_until(predicate: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
