"""Process life: atexit delivery (and spill with a deadline when the server is down), forked children, multiprocessing."""

import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import textwrap
import time
import unittest

from support import REPO, FakeServer, closed_port_url, wait_until
import provml

PYTHONPATH = os.path.join(REPO, "src", "python")


def run_script(code: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": PYTHONPATH}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=timeout)


class AtExitTest(unittest.TestCase):
    def test_a_script_that_never_closes_still_delivers_at_exit(self):
        server = FakeServer(lambda lines: (202, {"events": len(lines)}))
        try:
            done = run_script(f"""
                import provml
                rec = provml.Recorder(url={server.url!r}, flush_interval=60)
                rec.workflow_started("w")
                for i in range(10):
                    rec.log_metric("loss", i)
                rec.workflow_ended()
            """)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(len(server.delivered()), 12)
        finally:
            server.close()

    def test_events_recorded_after_close_and_by_a_dropped_recorder_are_delivered_at_exit(self):
        server = FakeServer(lambda lines: (202, {"events": len(lines)}))
        try:
            done = run_script(f"""
                import gc, provml
                rec = provml.Recorder(url={server.url!r}, flush_interval=60)
                rec.log_metric("before-close", 1)
                rec.close()
                rec.log_metric("after-close", 2)

                def scoped():
                    provml.Recorder(url={server.url!r}, flush_interval=60).log_metric("dropped", 3)

                scoped()
                gc.collect()
            """)
            self.assertEqual(done.returncode, 0, done.stderr)
            self.assertEqual(sorted(e["measure"] for e in server.delivered()), ["after-close", "before-close", "dropped"])
        finally:
            server.close()

    def test_with_the_server_down_exit_waits_only_exit_timeout_and_spills_everything(self):
        spill = os.path.join(tempfile.mkdtemp(), "spill.ndjson")
        started = time.monotonic()
        done = run_script(f"""
            import provml, warnings
            warnings.simplefilter("ignore")
            rec = provml.Recorder(url={closed_port_url()!r}, spill_file={spill!r}, exit_timeout=1)
            for i in range(100):
                rec.log_metric("loss", i)
        """)
        elapsed = time.monotonic() - started
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertLess(elapsed, 15)
        with open(spill) as handle:
            self.assertEqual([json.loads(line)["value"] for line in handle], list(range(100)))


def _child_records(url: str) -> None:
    rec = CHILD_RECORDER
    rec.log_metric("from-child", os.getpid())  # no close(): multiprocessing's exit finalizers deliver it


CHILD_RECORDER = None


@unittest.skipUnless(hasattr(os, "fork"), "needs os.fork")
class ForkTest(unittest.TestCase):
    def setUp(self):
        self.server = FakeServer(lambda lines: (202, {"events": len(lines)}))
        self.spill = os.path.join(tempfile.mkdtemp(), "spill.ndjson")
        self.rec = provml.Recorder(url=self.server.url, spill_file=self.spill, flush_interval=60,
                                   on_warning=lambda m: None)

    def tearDown(self):
        self.rec.close(timeout=1)
        self.server.close()

    def test_a_forked_child_records_with_its_own_queue_ids_and_thread(self):
        rec = self.rec
        rec.workflow_started("w", workflow_execution_id="wf-fork")
        with rec.task("parent-task") as task:
            for i in range(5):
                task.log_metric("parent", i)  # queued, not yet sent, when the child is forked
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    with rec.task("child-task") as child:
                        child.log_metric("child", 1)
                    result = rec.close(timeout=10)
                    code = 0 if result.complete and result.delivered == 3 and result.spill_file != self.spill else 2
                finally:
                    os._exit(code)
            _, status = os.waitpid(pid, 0)
            self.assertEqual(os.waitstatus_to_exitcode(status), 0)
        self.assertTrue(rec.flush(timeout=10).complete)
        events = self.server.delivered()
        ids = [e["id"] for e in events]
        self.assertEqual(len(ids), len(set(ids)))  # the child numbered its own ids
        self.assertEqual(len(events), 1 + 1 + 5 + 1 + 3)  # workflow, task, 5 metrics, task end; child: 3
        child_started = next(e for e in events if e.get("name") == "child-task")
        self.assertEqual(child_started["pid"], pid)
        self.assertEqual(child_started["workflowExecutionId"], "wf-fork")
        self.assertEqual(sum(e.get("measure") == "parent" for e in events), 5)  # not re-sent by the child

    def test_a_multiprocessing_child_that_exits_without_close_delivers(self):
        global CHILD_RECORDER
        CHILD_RECORDER = self.rec
        self.rec.log_metric("parent", 0)
        context = multiprocessing.get_context("fork")
        process = context.Process(target=_child_records, args=(self.server.url,))
        process.start()
        process.join(30)
        self.assertEqual(process.exitcode, 0)
        self.assertTrue(wait_until(lambda: any(e.get("measure") == "from-child" for e in self.server.delivered())))
        child = next(e for e in self.server.delivered() if e.get("measure") == "from-child")
        self.assertEqual(child["value"], process.pid)


if __name__ == "__main__":
    unittest.main()
