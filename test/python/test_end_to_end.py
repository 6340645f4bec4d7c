"""End to end against a real `provml serve`: a PyTorch loop and scikit-learn autolog land as PROV-ML, and the catalog's
measure-per-epoch and best-model-hyperparameters answer for them; a capture made while the server was down lands
through `provml ingest` of its spill file; `python3 -m provml.demo` records the demo lifecycle."""

import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
import uuid

from support import REPO, closed_port_url, require, shared_server
import provml

ID = "https://w3id.org/provml/id/"


def iri(kind: str, value: str) -> str:
    return f"{ID}{kind}/{urllib.parse.quote(value, safe='')}"


class EndToEndTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = shared_server()

    def recorder(self, **options):
        self.warnings = []
        spill = os.path.join(tempfile.mkdtemp(), "spill.ndjson")
        return provml.Recorder(url=self.server.url, spill_file=spill, on_warning=self.warnings.append, **options)

    def assertLanded(self, result):
        self.assertTrue(result.complete, (result, self.warnings, self.server.stderr[-2000:]))
        self.assertEqual((result.rejected, result.pending), (0, 0), self.warnings)
        self.assertGreater(result.triples, 0)

    def test_a_pytorch_training_loop_lands_and_measure_per_epoch_answers(self):
        torch = require("torch")
        import provml.torch as pt

        torch.manual_seed(0)
        rec = self.recorder()
        execution = rec.workflow_started("py-torch-mlp", "1", experiment="py-torch-exp",
                                         workflow_execution_id=f"py-torch-{uuid.uuid4().hex[:8]}")
        X, y = torch.randn(64, 4), torch.randn(64, 1)
        data = rec.dataset_registered("training", sample_count=64, features=["a", "b", "c", "d"])
        model = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
        optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
        losses = []
        with pt.training(rec, model, optimizer, epochs=3, used={"data": {"ref": data, "kind": "dataset"}}) as training:
            for epoch in range(1, 4):
                with training.task("epoch", epoch=epoch) as section:
                    for _ in range(4):
                        loss = torch.nn.functional.mse_loss(model(X), y)
                        optimizer.zero_grad()
                        loss.backward()
                        optimizer.step()
                    section.log_metric("loss", loss.detach())
                    losses.append(loss.item())
            model_id = pt.save_checkpoint(rec, model, os.path.join(tempfile.mkdtemp(), "mlp.pt"), scope=training,
                                          derived_from=[data])
            training.log_metric("final_loss", losses[-1], model_id=model_id)
        rec.workflow_ended()
        self.assertLanded(rec.close(timeout=30))

        rows = self.server.query("measure-per-epoch", {"measure": "loss", "execution": iri("wfexec", execution)})
        self.assertEqual([int(r["epoch"]) for r in rows], [1, 2, 3])
        for row, expected in zip(rows, losses):
            self.assertAlmostEqual(float(row["value"]), expected, places=5)
        self.assertTrue(all(r["measuredIn"] == "training" for r in rows))

    def test_scikit_learn_autolog_lands_and_best_model_hyperparameters_answers(self):
        require("sklearn")
        import numpy as np
        import provml.sklearn
        from sklearn.linear_model import LogisticRegression

        rec = self.recorder()
        experiment = f"py-sklearn-{uuid.uuid4().hex[:8]}"
        rec.workflow_started("py-sklearn", experiment=experiment)
        provml.sklearn.autolog(rec)
        try:
            rng = np.random.default_rng(3)
            X = rng.normal(size=(200, 4))
            y = (X[:, 0] + 0.3 * rng.normal(size=200) > 0).astype(int)
            X_train, y_train, X_test, y_test = X[:150], y[:150], X[150:], y[150:]
            scores = {}
            for C in (0.0005, 1.0):
                model = LogisticRegression(C=C).fit(X_train, y_train)
                scores[C] = (model.score(X_test, y_test), model._provml_model_id)
        finally:
            provml.sklearn.autolog(disable=True)
        rec.workflow_ended()
        self.assertLanded(rec.close(timeout=30))

        best_C = max(scores, key=lambda c: scores[c][0])
        rows = self.server.query("best-model-hyperparameters",
                                 {"experiment": iri("experiment", experiment), "measure": "accuracy", "maximize": True})
        self.assertTrue(rows, "no answer")
        self.assertEqual({r["model"] for r in rows}, {iri("data", scores[best_C][1])})
        self.assertAlmostEqual(float(rows[0]["value"]), scores[best_C][0])
        self.assertEqual(rows[0]["algorithm"].rsplit("/", 1)[-1], "LogisticRegression")
        hyperparameters = {r["hyperparameter"]: r["hyperparameterValue"] for r in rows if "hyperparameter" in r}
        self.assertEqual(float(hyperparameters["C"]), best_C)

    def test_captured_while_the_server_was_down_then_ingested_lands_it_all(self):
        spill = os.path.join(tempfile.mkdtemp(), "offline-spill.ndjson")
        rec = provml.Recorder(url=closed_port_url(), spill_file=spill, on_warning=lambda m: None)
        execution = rec.workflow_started("py-down", experiment="py-down-exp",
                                         workflow_execution_id=f"py-down-{uuid.uuid4().hex[:8]}")
        with rec.task("train", stage="training", algorithm="MLP", hyperparameters={"lr": 0.01}) as training:
            for epoch in range(1, 6):
                with training.task("epoch", epoch=epoch) as section:
                    section.log_metric("loss", 1.0 / epoch)
        rec.workflow_ended()
        result = rec.close(timeout=1)
        self.assertEqual((result.delivered, result.pending, result.spilled), (0, 19, 19))

        output = self.server.ingest(spill)
        self.assertIn("19 events", output)
        rows = self.server.query("measure-per-epoch", {"measure": "loss", "execution": iri("wfexec", execution)})
        self.assertEqual([(int(r["epoch"]), float(r["value"])) for r in rows], [(e, 1.0 / e) for e in range(1, 6)])

    def test_python_demo_records_the_demo_lifecycle(self):
        done = subprocess.run([sys.executable, "-m", "provml.demo", "--url", self.server.url], capture_output=True,
                              text=True, timeout=120, env={**os.environ, "PYTHONPATH": os.path.join(REPO, "src", "python")})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("Recorded 133 events", done.stdout)
        self.assertIn("facies-unet-demo-run-4", done.stdout)  # the best model by accuracy
        self.assertIn("learning_rate=0.003", done.stdout)

    def test_the_packaged_demo_data_is_the_typescript_demo_data(self):
        with open(os.path.join(REPO, "src", "demo", "seismic-lifecycle.json")) as a, \
                open(os.path.join(REPO, "src", "python", "provml", "seismic-lifecycle.json")) as b:
            self.assertEqual(json.load(a), json.load(b))


if __name__ == "__main__":
    unittest.main()
