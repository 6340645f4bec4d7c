"""Delivery against a fake events server in-process: batching, retries, rejections, spill, deadlines, threads."""

import json
import os
import re
import socket
import tempfile
import threading
import time
import unittest

from support import FakeServer, closed_port_url, events_of, wait_until
import provml
from provml import _shapes
from provml._http import Outcome


def ok(lines):
    return 202, {"events": len(lines), "triples": 2 * len(lines)}


class DeliveryCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="provml-delivery-")
        self.spill = os.path.join(self.dir, "spill.ndjson")
        self.warnings = []
        self.servers = []
        self.recorders = []

    def tearDown(self):
        for rec in self.recorders:
            rec.close(timeout=0)
        for server in self.servers:
            server.close()

    def server(self, respond=ok, **options):
        server = FakeServer(respond, **options)
        self.servers.append(server)
        return server

    def recorder(self, url, **options):
        options.setdefault("spill_file", self.spill)
        options.setdefault("retry_base", 0.01)
        options.setdefault("retry_max", 0.05)
        rec = provml.Recorder(url=url, on_warning=self.warnings.append, **options)
        self.recorders.append(rec)
        return rec


class BatchingTest(DeliveryCase):
    def test_a_flush_sends_what_is_queued_as_one_ndjson_batch(self):
        server = self.server()
        rec = self.recorder(server.url, token="t0k", flush_interval=60, batch_size=1000)
        for i in range(25):
            rec.log_metric("loss", i)
        result = rec.flush(timeout=10)
        self.assertTrue(result.complete)
        self.assertEqual((result.delivered, result.pending, result.triples), (25, 0, 50))
        self.assertEqual(len(server.requests), 1)
        self.assertEqual([e["value"] for e in server.delivered()], list(range(25)))
        headers = {key.lower(): value for key, value in server.headers[0].items()}
        self.assertEqual(headers["content-type"], "application/x-ndjson")
        self.assertEqual(headers["authorization"], "Bearer t0k")
        self.assertNotIn("origin", headers)

    def test_batches_never_exceed_batch_size_and_keep_order(self):
        server = self.server()
        rec = self.recorder(server.url, batch_size=10)
        for i in range(95):
            rec.log_metric("loss", i)
        self.assertTrue(rec.flush(timeout=10).complete)
        self.assertTrue(all(len(lines) <= 10 for lines in server.requests))
        self.assertEqual([e["value"] for e in server.delivered()], list(range(95)))

    def test_many_threads_deliver_every_event_exactly_once(self):
        server = self.server()
        rec = self.recorder(server.url, batch_size=200)

        def worker(n):
            for i in range(2500):
                rec.log_metric(f"w{n}", i)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertTrue(rec.close(timeout=20).complete)
        ids = [e["id"] for e in server.delivered()]
        self.assertEqual(len(ids), 10_000)
        self.assertEqual(len(set(ids)), 10_000)
        for n in range(4):
            values = [e["value"] for e in server.delivered() if e["measure"] == f"w{n}"]
            self.assertEqual(values, list(range(2500)))  # per thread, in order


class ConnectionTest(DeliveryCase):
    def test_a_kept_alive_connection_the_server_closed_is_replaced_without_losing_a_batch(self):
        server = self.server(close_after_response=True)
        rec = self.recorder(server.url, flush_interval=60)
        for i in range(3):
            rec.log_metric("m", i)
            self.assertTrue(rec.flush(timeout=10).complete)
        self.assertEqual([e["value"] for e in server.delivered()], [0, 1, 2])
        self.assertEqual(self.warnings, [])  # a stale connection is not trouble worth a warning

    def test_a_request_cut_by_abort_is_not_sent_again_on_a_fresh_connection(self):
        from provml._http import Sender

        listener = socket.create_server(("127.0.0.1", 0))
        self.addCleanup(listener.close)
        connections, requests = [], []
        answer = b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"

        def serve():
            while True:
                try:
                    conn, _ = listener.accept()
                except OSError:
                    return
                connections.append(conn)
                threading.Thread(target=handle, args=(conn,), daemon=True).start()

        def handle(conn):
            data = b""
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                data += chunk
                while b"\r\n\r\n" in data:
                    head, rest = data.split(b"\r\n\r\n", 1)
                    length = int(re.search(rb"Content-Length: (\d+)", head).group(1))
                    if len(rest) < length:
                        break
                    data = rest[length:]
                    requests.append(rest[:length])
                    if len(requests) == 1:
                        conn.sendall(answer)  # the first request is answered; the second never is

        threading.Thread(target=serve, daemon=True).start()
        sender = Sender(f"http://127.0.0.1:{listener.getsockname()[1]}", None)
        self.addCleanup(sender.reset)
        self.assertEqual(sender.post(['{"n":1}'], 5).kind, "delivered")
        outcome = []
        poster = threading.Thread(target=lambda: outcome.append(sender.post(['{"n":2}'], 30)))
        poster.start()
        deadline = time.monotonic() + 10
        while len(requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        sender.abort()
        poster.join(10)
        self.assertEqual([o.kind for o in outcome], ["retry"])
        self.assertEqual(len(requests), 2)
        self.assertEqual(len(connections), 1)

    def test_a_chunked_answer_is_read(self):
        server = self.server(chunked=True)
        rec = self.recorder(server.url, flush_interval=60)
        rec.log_metric("m", 1)
        result = rec.flush(timeout=10)
        self.assertEqual((result.complete, result.triples), (True, 2))
        rec.log_metric("m", 2)  # the same connection still usable after a chunked body
        self.assertEqual(rec.flush(timeout=10).delivered, 2)


class RetryTest(DeliveryCase):
    def test_retries_resend_identical_json_then_deliver_once(self):
        answers = iter([(503, {"error": "busy"}), (503, {"error": "busy"})])
        server = self.server(lambda lines: next(answers, None) or ok(lines))
        rec = self.recorder(server.url, flush_interval=60)
        rec.workflow_started("w")
        with rec.task("t") as task:
            task.log_metric("loss", 0.5)
        result = rec.flush(timeout=10)
        self.assertTrue(result.complete)
        self.assertEqual(result.delivered, 4)
        self.assertEqual(len(server.requests), 3)
        self.assertEqual(server.requests[0], server.requests[1])
        self.assertEqual(server.requests[1], server.requests[2])  # same ids, same times, same bytes
        self.assertEqual(sum("retrying with back-off" in w for w in self.warnings), 1)

    def test_unauthorized_is_retried_and_kept_not_rejected(self):
        server = self.server(lambda lines: (401, {"error": "token"}))
        rec = self.recorder(server.url)
        for i in range(3):
            rec.log_metric("m", i)
        result = rec.close(timeout=1)
        self.assertEqual((result.complete, result.rejected, result.spilled), (False, 0, 3))
        self.assertGreaterEqual(len(server.requests), 1)

    def test_too_large_halves_the_batch(self):
        server = self.server(lambda lines: (413, {"error": "too large"}) if len(lines) > 2 else ok(lines))
        rec = self.recorder(server.url, flush_interval=60)
        for i in range(5):
            rec.log_metric("m", i)
        result = rec.flush(timeout=10)
        self.assertTrue(result.complete)
        accepted = [lines for lines in server.requests if len(lines) <= 2]
        self.assertEqual([json.loads(line)["value"] for lines in accepted for line in lines], list(range(5)))


    def test_too_large_cuts_a_request_of_one_series_in_two(self):
        accepted = []

        def respond(lines):
            events = events_of(lines)
            if len(events) > 3:
                return 413, {"error": "too large"}
            accepted.extend(events)
            return ok(lines)

        server = self.server(respond)
        rec = self.recorder(server.url, flush_interval=60)
        with rec.task("train") as training:
            rec.flush(timeout=10)
            for i in range(10):
                training.log_metric("m", i + 0.5)
            result = rec.flush(timeout=10)
        self.assertTrue(result.complete)
        self.assertEqual((result.delivered, result.rejected), (11, 0))  # the task's start, then the ten metrics
        self.assertEqual([e["value"] for e in accepted if e["type"] == "evaluation"], [i + 0.5 for i in range(10)])
        self.assertEqual(len({e["id"] for e in accepted}), 11)
        self.assertTrue(any(len(lines) == 1 and _shapes.events_in(lines[0]) == 10 for lines in server.requests))

class RejectionTest(DeliveryCase):
    def test_events_the_server_names_go_to_the_rejected_file_the_rest_is_resent(self):
        def respond(lines):
            if len(lines) == 3:
                return 400, {"error": "1 of 3 event(s) are invalid", "errors": [{"index": 1, "path": "/stage",
                                                                                   "message": "must be a stage"}]}
            return ok(lines)

        server = self.server(respond)
        rec = self.recorder(server.url, flush_interval=60)
        rec.log_metric("a", 1)
        rec.log_metric("b", 2, stage="warmup")
        rec.log_metric("c", 3)
        result = rec.flush(timeout=10)
        self.assertTrue(result.complete)
        self.assertEqual((result.delivered, result.rejected), (2, 1))
        self.assertEqual([json.loads(line)["measure"] for line in server.requests[1]], ["a", "c"])
        rejected_path = os.path.join(self.dir, "spill.rejected.ndjson")
        self.assertEqual(result.rejected_file, rejected_path)
        with open(rejected_path) as handle:
            records = [json.loads(line) for line in handle]
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["event"]["measure"], "b")
        self.assertEqual(records[0]["rejected"]["status"], 400)
        self.assertEqual(records[0]["rejected"]["errors"][0]["path"], "/stage")
        self.assertEqual(sum("refused" in w for w in self.warnings), 1)

    def test_a_conflict_is_rejected_whole(self):
        server = self.server(lambda lines: (409, {"error": "event id reused with other content"}))
        rec = self.recorder(server.url)
        rec.log_metric("a", 1)
        result = rec.flush(timeout=10)
        self.assertEqual((result.complete, result.rejected, result.pending), (True, 1, 0))


class SpillTest(DeliveryCase):
    def test_overflow_spills_the_oldest_and_delivers_them_first_once_the_server_is_back(self):
        state = {"down": True}
        server = self.server(lambda lines: (503, {"error": "down"}) if state["down"] else ok(lines))
        rec = self.recorder(server.url, max_buffered_events=10, batch_size=5)
        for i in range(60):
            rec.log_metric("m", i)
        self.assertTrue(wait_until(lambda: rec._sink.spill.pending > 0))
        self.assertTrue(os.path.exists(self.spill))
        self.assertEqual(sum("oldest are kept in" in w for w in self.warnings), 1)
        state["down"] = False
        result = rec.flush(timeout=20)
        self.assertTrue(result.complete, result)
        delivered = [e["value"] for e in server.delivered() if e["type"] == "evaluation"]
        # Failed attempts are in server.requests too: keep the last delivery of each value, in order.
        accepted = []
        for value in delivered:
            if value not in accepted:
                accepted.append(value)
        self.assertEqual(accepted, list(range(60)))
        self.assertFalse(os.path.exists(self.spill))

    def test_close_past_its_deadline_spills_everything_and_a_later_recorder_sends_it_first(self):
        down = closed_port_url()
        first = self.recorder(down)
        first.workflow_started("w", workflow_execution_id="wf-1")
        for i in range(20):
            first.log_metric("m", i)
        started = time.monotonic()
        result = first.close(timeout=1)
        self.assertLess(time.monotonic() - started, 2.5)
        self.assertEqual((result.complete, result.delivered, result.pending, result.spilled), (False, 0, 21, 21))
        self.assertEqual(result.spill_file, self.spill)
        with open(self.spill) as handle:
            self.assertEqual(len(handle.readlines()), 21)

        server = self.server()
        later = self.recorder(server.url)  # nothing recorded: it still delivers the spill file
        self.assertTrue(wait_until(lambda: len(server.delivered()) == 21))
        later.log_metric("after", 1)
        self.assertTrue(later.flush(timeout=10).complete)
        values = [e.get("value") for e in server.delivered()]
        self.assertEqual(values, [None, *range(20), 1])
        self.assertFalse(os.path.exists(self.spill))

    def test_series_are_counted_as_their_events_in_memory_spill_and_delivery(self):
        down = closed_port_url()
        first = self.recorder(down, batch_size=25)
        first.workflow_started("w", workflow_execution_id="wf-s")
        with first.task("train", stage="training") as training:
            for i in range(60):
                training.log_metric("loss" if i % 2 else "acc", i + 0.5)
            result = first.close(timeout=1)
        # The workflow, the task's start and 60 metrics; the task's end comes after close().
        self.assertEqual((result.complete, result.delivered, result.pending, result.spilled), (False, 0, 62, 62))
        with open(self.spill) as handle:
            lines = [line for line in handle]
        self.assertLess(len(lines), 10)
        self.assertTrue(any(line.startswith('{"type":"evaluation.series"') for line in lines), lines)

        server = self.server()
        later = self.recorder(server.url, batch_size=25)  # reads the spill file back: its count is in events
        self.assertTrue(wait_until(lambda: len(server.delivered()) == 62))
        result = later.flush(timeout=10)
        self.assertEqual((result.complete, result.pending, result.spilled), (True, 0, 0))
        self.assertEqual(result.delivered, 62)
        metrics = [e for e in server.delivered() if e["type"] == "evaluation"]
        self.assertEqual([e["value"] for e in metrics], [i + 0.5 for i in range(60)])
        self.assertEqual(len({e["id"] for e in metrics}), 60)
        # A request holds up to batch_size events, or one line (a series spilled whole at close()).
        self.assertTrue(all(len(events_of(lines)) <= 25 or len(lines) == 1 for lines in server.requests))
        self.assertGreater(len(server.requests), 1)
        self.assertFalse(os.path.exists(self.spill))

    def test_a_torn_last_line_of_a_spill_file_is_refused_visibly_the_rest_delivered(self):
        good = [json.dumps({"type": "evaluation", "schema": "provml/1", "id": f"e-x-{i}", "time": "2024-01-01T00:00:00.000Z",
                            "workflowExecutionId": "wf", "measure": "m", "value": i}) for i in range(2)]
        with open(self.spill, "w") as handle:
            handle.write("\n".join(good) + '\n{"type":"evalu')

        def respond(lines):
            bad = []
            for index, line in enumerate(lines):
                try:
                    json.loads(line)
                except ValueError:
                    bad.append({"index": index, "path": "", "message": "not JSON"})
            return (400, {"errors": bad}) if bad else ok(lines)

        server = self.server(respond)
        rec = self.recorder(server.url)
        self.assertTrue(wait_until(lambda: rec._sink.settled == 3))
        result = rec.flush(timeout=5)
        self.assertEqual((result.delivered, result.rejected), (2, 1))

    def test_close_returns_within_its_deadline_when_the_server_never_answers(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)  # accepts connections, never answers
        try:
            rec = self.recorder(f"http://127.0.0.1:{listener.getsockname()[1]}")
            for i in range(10):
                rec.log_metric("m", i)
            started = time.monotonic()
            result = rec.close(timeout=1)
            self.assertLess(time.monotonic() - started, 2.5)
            self.assertEqual((result.pending, result.spilled), (10, 10))
        finally:
            listener.close()

    def test_close_cuts_a_request_already_waiting_for_an_answer(self):
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        try:
            rec = self.recorder(f"http://127.0.0.1:{listener.getsockname()[1]}", request_timeout=30)
            for i in range(10):
                rec.log_metric("m", i)
            rec.flush(timeout=0.3)  # the POST is now in flight, waiting up to request_timeout
            started = time.monotonic()
            result = rec.close(timeout=1)
            self.assertLess(time.monotonic() - started, 2.5)  # deadline 1 s, slack for a loaded machine
            self.assertEqual((result.pending, result.spilled), (10, 10))
            with open(self.spill) as handle:
                self.assertEqual([json.loads(line)["value"] for line in handle], list(range(10)))
        finally:
            listener.close()

    def test_an_unwritable_spill_file_is_a_warning_events_stay_in_memory(self):
        rec = self.recorder(closed_port_url(), spill_file="/nonexistent-dir/spill.ndjson", max_buffered_events=5)
        for i in range(20):
            rec.log_metric("m", i)
        self.assertTrue(wait_until(lambda: any("spill file" in w for w in self.warnings)))
        result = rec.close(timeout=0.5)
        self.assertFalse(result.complete)
        self.assertEqual(result.pending, 20)


def _record(number):
    """A queued record whose builder makes a one-field line (the sink only calls record[0](owner, record))."""
    return (lambda _owner, record: json.dumps({"n": record[1]}), number)


class ArrivingSender:
    """Answers 202 at once; while answering the first request, `arrivals` more records reach the queue."""

    def __init__(self, sink, arrivals):
        self.sink = sink
        self.arrivals = arrivals
        self.posts = []

    def post(self, lines, _timeout):
        self.posts.append([json.loads(line)["n"] for line in lines])
        if len(self.posts) == 1:
            self.sink.memory.extend(_record(100 + i) for i in range(self.arrivals))
        return Outcome("delivered", status=202)

    def reset(self):
        pass


class TickTest(DeliveryCase):
    """What one tick of the sender thread sends, driven step by step on the test's thread (no sender thread)."""

    def sink(self, arrivals, batch_size=10):
        rec = self.recorder(closed_port_url(), batch_size=batch_size)
        sink = rec._sink
        sink.sender = ArrivingSender(sink, arrivals)
        return sink

    def test_a_tick_sends_what_was_due_and_leaves_what_arrived_during_its_request_for_the_next(self):
        sink = self.sink(arrivals=4)
        sink.memory.extend(_record(i) for i in range(3))
        sink._step(None, False)
        self.assertEqual(sink.sender.posts, [[0, 1, 2]])
        self.assertEqual(len(sink.memory), 4)  # not one small request per round trip

    def test_a_batch_that_fills_during_a_request_goes_at_once_the_rest_waits(self):
        sink = self.sink(arrivals=13)
        sink.memory.extend(_record(i) for i in range(3))
        sink._step(None, False)
        self.assertEqual(sink.sender.posts, [[0, 1, 2], list(range(100, 110))])
        self.assertEqual(len(sink.memory), 3)

    def test_woken_by_a_push_it_sends_full_batches_only(self):
        sink = self.sink(arrivals=0)
        sink.memory.extend(_record(i) for i in range(25))
        sink._step(None, True)
        self.assertEqual([len(lines) for lines in sink.sender.posts], [10, 10])
        self.assertEqual(len(sink.memory), 5)

    def test_records_a_failed_spill_took_go_back_first_in_their_order(self):
        sink = self.recorder(closed_port_url(), spill_file="/nonexistent-dir/spill.ndjson", max_buffered_events=5)._sink
        sink.memory.extend(_record(i) for i in range(20))
        sink._spill_overflow()  # takes the oldest 18, cannot write them, puts them back
        self.assertTrue(any("spill file" in w for w in self.warnings))
        self.assertEqual([record[1] for record in sink.memory], list(range(20)))
        self.assertEqual(sink.accepted_now(), 20)  # counted once, not as taken and as waiting
        sink.memory.append(_record(20))  # a push after it lands behind them
        self.assertEqual([record[1] for record in sink.take_memory(3)], [0, 1, 2])
        self.assertEqual([record[1] for record in sink.memory], list(range(3, 21)))
        self.assertEqual(sink.accepted_now(), 21)

    def test_a_slow_server_gets_fewer_fuller_batches(self):
        sink = self.recorder(closed_port_url(), flush_interval=1.0, server_share=0.05)._sink
        self.assertEqual(sink._wait_time(None), 1.0)
        sink.last_request_seconds = 0.2  # the last answer took 200 ms: wait 20 × that, so ≤ 5 % of the time
        self.assertAlmostEqual(sink._wait_time(None), 4.0)
        sink.last_request_seconds = 10.0
        self.assertEqual(sink._wait_time(None), 30.0)  # capped
        sink.flush_interval = 60.0
        self.assertEqual(sink._wait_time(None), 60.0)  # a longer interval of the caller's wins


if __name__ == "__main__":
    unittest.main()
