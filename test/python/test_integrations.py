"""provml.sklearn.autolog and provml.torch, recorded offline (the end-to-end file sends them to a real server)."""

import json
import os
import subprocess
import sys
import tempfile
import unittest

from support import REPO, events_of, require
import provml


def read(path):
    with open(path) as handle:
        return events_of(handle)


class CoreImportTest(unittest.TestCase):
    def test_the_core_never_imports_torch_or_sklearn(self):
        code = ("import sys, provml, provml.sklearn, provml.torch, provml.demo; "
                "print(sorted(m for m in ('torch', 'sklearn', 'numpy') if m in sys.modules))")
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": os.path.join(REPO, "src", "python")})
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(done.stdout.strip(), "[]")


class SklearnAutologTest(unittest.TestCase):
    def setUp(self):
        require("sklearn")
        import provml.sklearn

        self.path = os.path.join(tempfile.mkdtemp(), "sk.ndjson")
        self.rec = provml.Recorder(file=self.path)
        self.autolog = provml.sklearn.autolog
        self.autolog(self.rec)
        self.addCleanup(lambda: self.autolog(disable=True))

    def test_fit_and_score_become_training_model_and_evaluation(self):
        import numpy as np
        from sklearn.linear_model import LogisticRegression

        rng = np.random.default_rng(0)
        X = rng.normal(size=(60, 3))
        y = (X[:, 0] > 0).astype(int)
        self.rec.workflow_started("sk", experiment="sk-exp")
        model = LogisticRegression(C=0.5, max_iter=200).fit(X, y)
        accuracy = model.score(X, y)
        self.rec.close()
        events = read(self.path)
        kinds = [e["type"] for e in events]
        self.assertEqual(kinds, ["workflow.started", "dataset.registered", "task.started", "model.saved", "task.ended",
                                 "task.started", "evaluation", "task.ended"])
        data, train, saved, ended = events[1:5]
        self.assertEqual((data["kind"], data["sampleCount"], data["characteristics"]), ("training", 60, {"n_features": 3}))
        self.assertTrue(data["checksum"].startswith("sha256:"))
        self.assertEqual((train["name"], train["stage"], train["algorithm"]), ("LogisticRegression.fit", "training",
                                                                            "LogisticRegression"))
        self.assertEqual(train["hyperparameters"]["C"], 0.5)
        self.assertEqual(train["hyperparameters"]["max_iter"], 200)
        self.assertEqual(train["used"], {"training_data": {"ref": data["datasetId"], "kind": "dataset"}})
        self.assertEqual((saved["taskId"], saved["derivedFrom"]), (train["taskId"], [data["datasetId"]]))
        self.assertEqual(ended["generated"]["model"]["ref"], saved["modelId"])
        evaluation = events[6]
        self.assertEqual((evaluation["measure"], evaluation["value"], evaluation["modelId"], evaluation["stage"]),
                         ("accuracy", accuracy, saved["modelId"], "evaluation"))
        self.assertEqual(evaluation["datasetId"], data["datasetId"])  # same content, same dataset

    def test_a_search_over_a_pipeline_is_one_training_task(self):
        import numpy as np
        from sklearn.model_selection import GridSearchCV
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        from sklearn.svm import SVC

        rng = np.random.default_rng(1)
        X = rng.normal(size=(40, 2))
        y = (X[:, 1] > 0).astype(int)
        search = GridSearchCV(make_pipeline(StandardScaler(), SVC()), {"svc__C": [0.1, 1.0]}, cv=2).fit(X, y)
        self.rec.close()
        events = read(self.path)
        trainings = [e for e in events if e["type"] == "task.started"]
        self.assertEqual([t["algorithm"] for t in trainings], ["GridSearchCV"])
        ended = next(e for e in events if e["type"] == "task.ended")
        self.assertEqual(ended["hyperparameters"]["best_svc__C"], search.best_params_["svc__C"])
        self.assertEqual(ended["metrics"]["best_score"], search.best_score_)
        self.assertEqual(trainings[0]["hyperparameters"]["estimator"], "Pipeline")

    def test_a_failing_fit_is_a_failed_task_and_the_error_propagates(self):
        from sklearn.linear_model import LinearRegression

        with self.assertRaises(ValueError):
            LinearRegression().fit([[1.0], [2.0]], [1.0])  # inconsistent lengths
        self.rec.close()
        ended = [e for e in read(self.path) if e["type"] == "task.ended"]
        self.assertEqual(ended[0]["status"], "failed")
        self.assertIn("ValueError", ended[0]["error"])

    def test_disable_restores_scikit_learn(self):
        from sklearn.linear_model import LinearRegression

        self.autolog(disable=True)
        self.assertFalse(hasattr(LinearRegression.fit, "__provml_original__"))
        LinearRegression().fit([[1.0], [2.0]], [1.0, 2.0])
        self.rec.close()
        self.assertFalse(os.path.exists(self.path))


class TorchTest(unittest.TestCase):
    def setUp(self):
        require("torch")

    def test_hyperparameters_from_the_optimizer_and_model(self):
        import torch
        import provml.torch as pt

        model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 1))
        sgd = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
        values = pt.hyperparameters(sgd, model)
        self.assertEqual((values["optimizer"], values["lr"], values["momentum"], values["weight_decay"]),
                         ("SGD", 0.05, 0.9, 1e-4))
        self.assertEqual(values["parameters"], 4 * 8 + 8 + 8 + 1)
        adam = pt.hyperparameters(torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.8, 0.99)))
        self.assertEqual((adam["beta1"], adam["beta2"]), (0.8, 0.99))

    def test_a_training_loop_with_tensor_metrics_and_a_checkpoint(self):
        import torch
        import provml.torch as pt

        directory = tempfile.mkdtemp()
        path = os.path.join(directory, "run.ndjson")
        rec = provml.Recorder(file=path)
        torch.manual_seed(0)
        model = torch.nn.Linear(3, 1)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
        X, y = torch.randn(32, 3), torch.randn(32, 1)
        with pt.training(rec, model, optimizer, epochs=2) as training:
            for epoch in (1, 2):
                with training.task("epoch", epoch=epoch) as section:
                    loss = torch.nn.functional.mse_loss(model(X), y)
                    optimizer.zero_grad()
                    loss.backward()
                    optimizer.step()
                    section.log_metric("loss", loss.detach())
            checkpoint = os.path.join(directory, "model.pt")
            model_id = pt.save_checkpoint(rec, model, checkpoint, epoch=2, scope=training)
        rec.close()
        events = read(path)
        train = events[0]
        self.assertEqual((train["algorithm"], train["stage"]), ("Linear", "training"))
        self.assertEqual((train["hyperparameters"]["lr"], train["hyperparameters"]["epochs"]), (0.1, 2))
        losses = [e for e in events if e["type"] == "evaluation"]
        self.assertEqual([e["section"]["index"] for e in losses], [1, 2])
        self.assertTrue(all(isinstance(e["value"], float) for e in losses))
        epochs = [e for e in events if e["type"] == "task.started" and e["name"] == "epoch"]
        self.assertEqual(epochs[0]["stage"], "training")  # a section takes its parent's stage
        saved = next(e for e in events if e["type"] == "model.saved")
        self.assertEqual((saved["modelId"], saved["epoch"], saved["taskId"]), (model_id, 2, train["taskId"]))
        self.assertEqual(saved["sizeBytes"], os.path.getsize(checkpoint))
        self.assertTrue(saved["checksum"].startswith("sha256:") and len(saved["checksum"]) == 71)
        self.assertTrue(saved["location"].startswith("file:///"))


if __name__ == "__main__":
    unittest.main()
