"""The events a Recorder builds (read back from offline file mode): the provml/1 wire format of src/capture."""

import asyncio
import itertools
import json
import os
import re
import tempfile
import threading
import unittest

import support  # noqa: F401  (puts src/python on the path)
from support import events_of
import provml

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def run_in_threads(worker, count):
    """Runs `worker` in `count` threads at once and waits for them all."""
    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


class Recorded:
    """A recorder in offline mode; `events()` closes it and reads the NDJSON file back."""

    def __init__(self, **options):
        self.dir = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.dir.name, "run.ndjson")
        self.warnings = []
        self.rec = provml.Recorder(file=self.path, on_warning=self.warnings.append, **options)

    def events(self):
        result = self.rec.close(timeout=10)
        assert result.complete, result
        events = []
        if os.path.exists(self.path):
            with open(self.path, encoding="utf-8") as handle:
                events = events_of(handle)
        self.dir.cleanup()
        return events


class WireFormatTest(unittest.TestCase):
    def test_issue_example_records_the_lifecycle_with_epoch_sections(self):
        r = Recorded(user="ana", persona="ML engineer", host="gpu-7")
        rec = r.rec
        execution = rec.workflow_started("train-mlp", "1.0", study="s1", experiment={"id": "exp-1", "name": "E"})
        ds = rec.dataset_registered("training", sample_count=100, features=["x1", "x2"], characteristics={"balance": 0.5})
        with rec.task("train", stage="training", algorithm="MLP", hyperparameters={"lr": 0.01}) as training:
            for epoch in range(1, 3):
                with training.task("epoch", epoch=epoch, stage="training") as section:
                    section.log_metric("loss", 1.0 / epoch)
            model = rec.model_saved(model_id="mlp-1", location="file:///m.pt", derived_from=[ds])
        rec.log_metric("accuracy", 0.9, model_id=model, dataset_id=ds, stage="evaluation")
        rec.workflow_ended()
        events = r.events()

        self.assertEqual(
            [e["type"] for e in events],
            ["workflow.started", "dataset.registered", "task.started", "task.started", "evaluation", "task.ended",
             "task.started", "evaluation", "task.ended", "model.saved", "task.ended", "evaluation", "workflow.ended"],
        )
        for event in events:
            self.assertEqual(event["schema"], "provml/1")
            self.assertRegex(event["time"], ISO_UTC)
            self.assertEqual(event["workflowExecutionId"], execution)
        self.assertEqual(len({e["id"] for e in events}), len(events))
        started = events[0]
        self.assertEqual(started["study"], {"id": "s1"})
        self.assertEqual(started["experiment"], {"id": "exp-1", "name": "E"})
        self.assertEqual((started["user"], started["persona"], started["host"], started["pid"]),
                         ("ana", "ML engineer", "gpu-7", os.getpid()))
        self.assertEqual(events[1]["datasetId"], ds)
        self.assertEqual(events[1]["sampleCount"], 100)
        train = events[2]
        self.assertEqual((train["stage"], train["algorithm"], train["hyperparameters"]), ("training", "MLP", {"lr": 0.01}))
        epoch1 = events[3]
        self.assertEqual(epoch1["parentTaskId"], train["taskId"])
        self.assertEqual(epoch1["section"], {"kind": "epoch", "index": 1})
        loss = events[4]
        self.assertEqual((loss["measure"], loss["value"], loss["taskId"]), ("loss", 1.0, epoch1["taskId"]))
        self.assertEqual(loss["section"], {"kind": "epoch", "index": 1})
        self.assertEqual(loss["stage"], "training")
        self.assertNotIn("user", loss)  # who/where only on workflow and task events, as in the TypeScript client
        ended = events[5]
        self.assertEqual((ended["status"], ended["startedAt"]), ("finished", epoch1["time"]))
        saved = events[9]
        self.assertEqual((saved["modelId"], saved["taskId"], saved["derivedFrom"]), ("mlp-1", train["taskId"], [ds]))
        evaluation = events[11]
        self.assertEqual((evaluation["modelId"], evaluation["datasetId"]), ("mlp-1", ds))
        self.assertNotIn("taskId", evaluation)
        self.assertEqual(events[12]["status"], "finished")

    def test_failed_task_records_the_error_and_propagates_it_unchanged(self):
        r = Recorded()
        error = ValueError("bad shard 3")
        with self.assertRaises(ValueError) as raised:
            with r.rec.task("load"):
                raise error
        self.assertIs(raised.exception, error)
        r.rec.workflow_ended(error=RuntimeError("gave up"))
        events = r.events()
        self.assertEqual(events[1]["status"], "failed")
        self.assertEqual(events[1]["error"], "ValueError: bad shard 3")
        self.assertEqual((events[2]["status"], events[2]["error"]), ("failed", "RuntimeError: gave up"))

    def test_task_decorator_records_each_call_and_keeps_the_function(self):
        r = Recorded()

        @r.rec.task("preprocess", stage="training")
        def preprocess(n):
            """Doc kept."""
            r.rec.log_metric("rows", n)
            return n * 2

        self.assertEqual(preprocess(3), 6)
        self.assertEqual(preprocess(4), 8)
        self.assertEqual(preprocess.__doc__, "Doc kept.")
        events = r.events()
        self.assertEqual([e["type"] for e in events], ["task.started", "evaluation", "task.ended"] * 2)
        self.assertEqual(events[1]["taskId"], events[0]["taskId"])
        self.assertNotEqual(events[0]["taskId"], events[3]["taskId"])

    def test_async_function_as_task(self):
        r = Recorded()

        @r.rec.task("fetch")
        async def fetch():
            await asyncio.sleep(0)
            raise KeyError("missing")

        with self.assertRaises(KeyError):
            asyncio.run(fetch())
        events = r.events()
        self.assertEqual([e["type"] for e in events], ["task.started", "task.ended"])
        self.assertEqual(events[1]["error"], "KeyError: 'missing'")

    def test_values_are_taken_at_call_time_and_made_json(self):
        class Scalar:  # like a numpy or torch scalar
            def item(self):
                return 0.25

        r = Recorded()
        params = {"lr": 0.1, "layers": (64, 32)}
        with r.rec.task("train", hyperparameters=params, used={"shape": (3, 4)}) as t:
            params["lr"] = 99  # changed after the call: the event keeps 0.1
            t.log_metric("loss", Scalar())
            t.log_metric("nan", float("nan"))
            t.log_metric("inf", float("-inf"))
        events = r.events()
        self.assertEqual(events[0]["hyperparameters"], {"lr": 0.1, "layers": "[64, 32]"})
        self.assertEqual(events[0]["used"], {"shape": [3, 4]})
        self.assertEqual([e["value"] for e in events[1:4]], [0.25, "NaN", "-INF"])

    def test_metric_outside_a_section_and_innermost_task_default(self):
        r = Recorded()
        with r.rec.task("train", stage="training") as training:
            r.rec.log_metric("lr", 0.1)  # innermost open task: train
            with training.task("epoch", epoch=2):
                r.rec.log_metric("loss", 0.5)  # innermost: the epoch, and its section
            r.rec.log_metric("loss", 0.4, epoch=7)
        events = r.events()
        metrics = [e for e in events if e["type"] == "evaluation"]
        self.assertEqual(metrics[0]["taskId"], events[0]["taskId"])
        self.assertNotIn("section", metrics[0])
        self.assertEqual(metrics[1]["section"], {"kind": "epoch", "index": 2})
        self.assertEqual(metrics[1]["taskId"], events[2]["taskId"])
        self.assertEqual(metrics[2]["section"], {"kind": "epoch", "index": 7})

    def test_each_thread_records_into_its_own_innermost_task(self):
        r = Recorded()
        barrier = threading.Barrier(2)

        def worker(name):
            with r.rec.task(name):
                barrier.wait()
                r.rec.log_metric("from", name)
                barrier.wait()

        threads = [threading.Thread(target=worker, args=(n,)) for n in ("a", "b")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        events = r.events()
        task_of = {e["name"]: e["taskId"] for e in events if e["type"] == "task.started"}
        for metric in (e for e in events if e["type"] == "evaluation"):
            self.assertEqual(metric["taskId"], task_of[metric["value"]])

    def test_task_log_hyperparameters_used_generated_reach_the_end_event(self):
        r = Recorded()
        with r.rec.task("train") as t:
            t.log_hyperparameters({"batch_size": 32})
            t.used({"data": {"ref": "d1", "kind": "dataset"}})
            t.generated({"model": {"ref": "m1", "kind": "model"}})
        events = r.events()
        self.assertEqual(events[1]["hyperparameters"], {"batch_size": 32})
        self.assertEqual(events[1]["used"], {"data": {"ref": "d1", "kind": "dataset"}})
        self.assertEqual(events[1]["generated"], {"model": {"ref": "m1", "kind": "model"}})

    def test_unknown_task_end_is_a_warning_once_not_an_exception(self):
        r = Recorded()
        r.rec.task_ended("nope")
        r.rec.task_ended("nope-again")
        self.assertEqual(r.events(), [])
        self.assertEqual(len(r.warnings), 1)
        self.assertIn("unknown task", r.warnings[0])

    def test_a_throwing_warning_handler_never_reaches_the_caller(self):
        def explode(_message):
            raise RuntimeError("handler broke")

        rec = provml.Recorder(file=os.path.join(tempfile.mkdtemp(), "x.ndjson"), on_warning=explode)
        rec.task_ended("unknown")  # would warn
        self.assertTrue(rec.close(timeout=5).complete)

    def test_a_misspelt_shared_option_is_the_usual_type_error(self):
        r = Recorded()
        for call in (lambda: r.rec.log_metric("m", 1, tiem="2024-01-01T00:00:00.000Z"),
                     lambda: r.rec.task_started("t", hots="h"),
                     lambda: r.rec.workflow_ended(workflow="w")):
            with self.assertRaises(TypeError):
                call()
        self.assertEqual(r.events(), [])

    def test_ids_are_unique_across_threads(self):
        r = Recorded()

        def worker():
            for i in range(2000):
                r.rec.log_metric("m", i)

        run_in_threads(worker, 4)
        events = r.events()
        self.assertEqual(len(events), 8000)
        self.assertEqual(len({e["id"] for e in events}), 8000)

    def test_a_scope_metric_is_the_same_event_as_the_recorders_and_numbered_on_the_sender(self):
        # A task scope's plain float metric is queued as a 4-tuple and built on the sender thread (its id number
        # too): the same JSON as Recorder.log_metric into the same task gives, its id unique among the recorder's.
        r = Recorded(id_prefix="p")
        with r.rec.task("train", stage="training") as training:
            with training.task("epoch", epoch=3) as section:
                section.log_metric("loss", 0.5)
                r.rec.log_metric("loss", 0.5)
                section.log_metric("loss", 2)  # an int: the general path, same shape
                section.log_metric("loss", float("inf"))
        events = r.events()
        metrics = [e for e in events if e["type"] == "evaluation"]
        strip = [{k: v for k, v in m.items() if k not in ("id", "time")} for m in metrics]
        self.assertEqual(strip[0], strip[1])
        self.assertEqual(strip[0]["section"], {"kind": "epoch", "index": 3})
        self.assertEqual(strip[0]["stage"], "training")
        self.assertEqual({**strip[2], "value": 0.5}, strip[0])
        self.assertEqual(metrics[3]["value"], "INF")
        ids = [e["id"] for e in events]
        self.assertEqual(len(set(ids)), len(ids))
        self.assertTrue(all(re.fullmatch(r"e-p-\d+", i) for i in ids), ids)
        for metric in metrics:
            self.assertRegex(metric["time"], ISO_UTC)

    def test_a_scope_used_after_its_task_ended_records_what_the_recorder_would(self):
        r = Recorded()
        with r.rec.task("train", stage="training") as training:
            with training.task("epoch", epoch=1) as section:
                pass
            section.log_metric("late", 0.25)  # the epoch has ended: taskId, no section or stage
            r.rec.log_metric("late", 0.25, task_id=section.task_id)
        events = r.events()
        late = [{k: v for k, v in e.items() if k not in ("id", "time")} for e in events if e["type"] == "evaluation"]
        self.assertEqual(late[0], late[1])
        self.assertEqual(late[0]["taskId"], section.task_id)
        self.assertNotIn("section", late[0])
        self.assertNotIn("stage", late[0])

    def test_a_run_of_scope_metrics_stands_for_the_lines_each_would_have_alone(self):
        # The sender makes runs of scope metrics in one loop (_shapes.scope_metric_lines): a task's consecutive
        # metrics become one series, a run of one its own line; the records it leaves (NaN, a task whose end was
        # built) go one by one. The events are those of the lines made one by one, numbered in the same order.
        from provml import _shapes

        r = Recorded(id_prefix="p")
        rec = r.rec
        with rec.task("train", stage="training") as training:
            with training.task("epoch", epoch=1) as ended:
                pass
            with training.task("epoch", epoch=2) as section:
                rec.flush(timeout=10)  # the queue is empty and the first epoch's end is built
                records = [(section, 1764700000.1234, "loss", 0.5), (training, 1764700001.9996, "acc", 0.25),
                           (section, 1764700001.5, "loss", float("nan")), (ended, 1764700002.0, "late", 1.5),
                           (section, 1764700002.25, "loss", -0.0), (section, 1764700002.5, "acc", 3e-300),
                           (section, 1764700002.75, "loss", 0.125)]
                rec._counter = itertools.count(100)
                together = rec._sink.serialize(records)
                rec._counter = itertools.count(100)
                alone = [_shapes.scope_metric(rec, record) for record in records]
                rec._counter = itertools.count(1000)
                kept = rec._sink.serialize([(section, 1764700003.0, 7, 1.5), (section, 1764700003.0, "x", 1.0)])
        r.events()
        self.assertEqual(len(together), 5)
        self.assertEqual(alone[:4], together[:4])
        series = json.loads(together[4])
        self.assertEqual((series["type"], series["count"], series["measures"]), ("evaluation.series", 3, ["loss", "acc"]))
        self.assertEqual(events_of(together), [json.loads(line) for line in alone])
        self.assertEqual([e["id"] for e in events_of(together)], [f"e-p-{n}" for n in range(100, 107)])
        self.assertEqual([_shapes.events_in(line) for line in together], [1, 1, 1, 1, 3])
        self.assertEqual(json.loads(together[0])["time"], "2025-12-02T18:26:40.123Z")
        self.assertEqual(json.loads(together[1])["time"], "2025-12-02T18:26:41.999Z")
        self.assertEqual(json.loads(together[2])["value"], "NaN")
        self.assertNotIn("section", json.loads(together[3]))
        # A measure that is not text cannot be encoded: that event is dropped (said once), the next one kept.
        self.assertEqual([json.loads(line)["measure"] for line in kept], ["x"])
        self.assertTrue(any("not JSON-serializable" in w for w in r.warnings), r.warnings)

    def test_a_series_breaks_where_the_numbers_or_the_task_change(self):
        from provml import _shapes

        r = Recorded(id_prefix="q")
        with r.rec.task("train") as training:
            with training.task("epoch", epoch=1) as section:
                records = [(section, 1764700000.0 + k, "loss", k + 0.5) for k in range(4)]
                records.insert(2, (training, 1764700000.0, "loss", 9.5))
                numbers = iter([1, 2, 3, 7, 8])  # another thread took 4 to 6 between the third and the fourth
                r.rec._counter = numbers
                lines = r.rec._sink.serialize(records)
        r.events()
        self.assertEqual([_shapes.events_in(line) for line in lines], [2, 1, 2])
        self.assertEqual([e["id"] for e in events_of(lines)], ["e-q-1", "e-q-2", "e-q-3", "e-q-7", "e-q-8"])
        self.assertEqual([e["value"] for e in events_of(lines)], [0.5, 1.5, 9.5, 2.5, 3.5])

    def test_scope_metrics_from_threads_are_all_kept_with_unique_ids(self):
        r = Recorded(batch_size=64)
        with r.rec.task("train") as training:
            def worker():
                for i in range(2000):
                    training.log_metric("m", i + 0.5)

            run_in_threads(worker, 4)
        events = r.events()
        self.assertEqual(len(events), 8002)
        self.assertEqual(len({e["id"] for e in events}), 8002)
        self.assertEqual(sorted(e["value"] for e in events if e["type"] == "evaluation"),
                         sorted(i + 0.5 for i in range(2000) for _ in range(4)))


class ProcessIdTest(unittest.TestCase):
    def test_pid_is_recorded_unless_switched_off_for_scripted_captures(self):
        r = Recorded(id_prefix="same")
        r.rec.workflow_started("w")
        self.assertEqual([e.get("pid") for e in r.events()], [os.getpid()])
        scripted = Recorded(id_prefix="same", record_pid=False)
        scripted.rec.workflow_started("w")
        self.assertNotIn("pid", scripted.events()[0])


class OfflineFileTest(unittest.TestCase):
    def test_offline_file_appends_and_a_closed_recorder_still_records(self):
        directory = tempfile.mkdtemp()
        path = os.path.join(directory, "run-42.ndjson")
        rec = provml.Recorder(file=path)
        rec.log_metric("a", 1)
        first = rec.close()
        self.assertEqual((first.complete, first.delivered, first.file), (True, 1, path))
        rec.log_metric("b", 2)  # after close: a new sender thread takes it
        second = rec.close()
        self.assertTrue(second.complete)
        with open(path) as handle:
            self.assertEqual([json.loads(line)["measure"] for line in handle], ["a", "b"])

    def test_unwritable_file_is_a_warning_and_close_returns(self):
        warnings = []
        rec = provml.Recorder(file="/nonexistent-dir/x.ndjson", on_warning=warnings.append)
        rec.log_metric("a", 1)
        result = rec.close(timeout=1)
        self.assertFalse(result.complete)
        self.assertTrue(any("writing /nonexistent-dir/x.ndjson" in w for w in warnings), warnings)

    def test_default_url_and_token_come_from_the_environment(self):
        saved = {key: os.environ.get(key) for key in ("PROVML_URL", "PROVML_TOKEN")}
        try:
            os.environ["PROVML_URL"] = "http://127.0.0.1:9"
            os.environ["PROVML_TOKEN"] = "s3cret"
            rec = provml.Recorder(spill_file=os.path.join(tempfile.mkdtemp(), "s.ndjson"), on_warning=lambda m: None)
            self.assertEqual(rec.url, "http://127.0.0.1:9")
            self.assertEqual(rec._sink.token, "s3cret")
            rec.close(timeout=0)
            del os.environ["PROVML_URL"]
            self.assertEqual(provml.Recorder(on_warning=lambda m: None).url, "http://127.0.0.1:7070")
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


if __name__ == "__main__":
    unittest.main()
