"""`python3 -m provml.demo [--url URL] [--token T] [--file run.ndjson]`: records the seismic-to-model demo lifecycle
(the same one as `provml demo`, from the same data) through the Python client, then asks the server which model of
the experiment is best and with which hyperparameters."""

import argparse
import json
import math
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional

from .recorder import DEFAULT_URL, Recorder

DATA_FILE = os.path.join(os.path.dirname(__file__), "seismic-lifecycle.json")
EXPERIMENT_IRI_BASE = "https://w3id.org/provml/id/experiment/"


def load_demo() -> Dict[str, Any]:
    with open(DATA_FILE, encoding="utf-8") as handle:
        return json.load(handle)


class _Clock:
    """Deterministic times: every call says when it happened, so re-running the demo records the same facts."""

    def __init__(self, start: str) -> None:
        self.now = datetime.fromisoformat(start.replace("Z", "+00:00"))

    def after(self, seconds: float) -> str:
        self.now += timedelta(seconds=seconds)
        return self.now.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{self.now.microsecond // 1000:03d}Z"


def _round(value: float) -> float:
    return math.floor(value * 10_000 + 0.5) / 10_000  # JavaScript's Math.round, so both demos record the same values


def model_id(run_id: str) -> str:
    return f"facies-unet-{run_id}"


def record_seismic_lifecycle(rec: Recorder, demo: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Curation of raw SEG-Y files into a domain cube, preparation of training / validation tiles, and a training
    experiment sweeping learning rate and batch size (one run diverges and fails). Returns what was recorded."""
    demo = demo or load_demo()
    clock = _Clock(demo["startTime"])
    curation = _curation(rec, demo, clock)
    _preparation(rec, demo, clock)
    runs = demo["training"]["runs"]
    models = [m for m in (_training_run(rec, demo, run, clock) for run in runs) if m]
    finished = [run for run in runs if "failAtEpoch" not in run]
    best = max(finished, key=lambda run: run.get("finalAccuracy", 0))
    return {
        "workflowExecutions": [curation, demo["preparation"]["workflowExecutionId"], *[r["id"] for r in runs]],
        "trainingRuns": [r["id"] for r in runs],
        "failedRuns": [r["id"] for r in runs if "failAtEpoch" in r],
        "models": models,
        "bestModel": model_id(best["id"]),
        "experimentId": demo["training"]["experiment"]["id"],
    }


def _who(part: Dict[str, Any]) -> Dict[str, str]:
    return {"user": part["user"], "persona": part["persona"], "host": part["host"]}


def _curation(rec: Recorder, demo: Dict[str, Any], clock: _Clock) -> str:
    c = demo["curation"]
    who = _who(c)
    execution = rec.workflow_started(c["workflow"]["name"], c["workflow"].get("version"),
                                     workflow_execution_id=c["workflowExecutionId"], time=clock.after(0), **who)
    raw = {}
    for f in c["rawFiles"]:
        rec.dataset_registered("raw", f["id"], f["location"], name=f["id"], size_bytes=f["sizeBytes"],
                               checksum=f["checksum"], time=clock.after(2))
        raw[f["id"]] = {"ref": f["id"], "kind": "file"}
    qc = rec.task_started("segy-quality-control", "segy-qc", used=raw, time=clock.after(5), **who)
    rec.task_ended(qc, generated={"dead_traces": 0, "files_checked": len(c["rawFiles"])}, time=clock.after(640))
    build = rec.task_started(
        "build-seismic-cube",
        "build-cube",
        used={**raw, "formation": {"uri": demo["domainEntities"]["formation"]}, "inline_range": "100-750",
              "crossline_range": "300-1250"},
        time=clock.after(3),
        **who,
    )
    cube = c["cube"]
    rec.dataset_registered(
        "domain", cube["id"], cube["location"], [{"ref": f["id"], "kind": "raw"} for f in c["rawFiles"]],
        name=cube["name"], domain_entities=[demo["domainEntities"]["formation"], demo["domainEntities"]["basin"]],
        task_id=build, time=clock.after(2400),
    )
    rec.task_ended(build, generated={"cube": {"ref": cube["id"], "kind": "dataset"}}, time=clock.after(1))
    rec.workflow_ended(workflow_execution_id=execution, time=clock.after(1))
    return execution


def _preparation(rec: Recorder, demo: Dict[str, Any], clock: _Clock) -> None:
    p = demo["preparation"]
    who = _who(p)
    execution = rec.workflow_started(p["workflow"]["name"], p["workflow"].get("version"),
                                     workflow_execution_id=p["workflowExecutionId"], time=clock.after(600), **who)
    cube = demo["curation"]["cube"]["id"]
    tiling = rec.task_started("tile-seismic-cube", "tile-cube",
                              used={"cube": {"ref": cube, "kind": "dataset"}, "tile_size": p["tileSize"],
                                    "stride": p["stride"]},
                              time=clock.after(1), **who)
    for kind in ("training", "validation"):
        split = p["splits"][kind]
        rec.dataset_registered(
            kind, split["id"], f"file:///data/learning/{split['id']}.npz", [{"ref": cube, "kind": "domain"}],
            split["sampleCount"], p["features"], {"tile_size": p["tileSize"], "stride": p["stride"]},
            name=split["name"], task_id=tiling, time=clock.after(300),
        )
    rec.task_ended(tiling, generated={
        "training_tiles": {"ref": p["splits"]["training"]["id"], "kind": "dataset"},
        "validation_tiles": {"ref": p["splits"]["validation"]["id"], "kind": "dataset"},
    }, time=clock.after(1))
    rec.workflow_ended(workflow_execution_id=execution, time=clock.after(1))


def _curve(run: Dict[str, Any], epoch: int) -> Dict[str, float]:
    remaining = (1 - epoch / run["epochs"]) ** 2
    final_loss = run.get("finalLoss", 1.5)
    final_accuracy = run.get("finalAccuracy", 0.35)
    return {
        "loss": _round(final_loss + (1.5 - final_loss) * remaining),
        "accuracy": _round(final_accuracy - (final_accuracy - 0.35) * remaining),
    }


def _training_run(rec: Recorder, demo: Dict[str, Any], run: Dict[str, Any], clock: _Clock) -> Optional[str]:
    t = demo["training"]
    who = _who(t)
    splits = demo["preparation"]["splits"]
    training_id, validation_id = splits["training"]["id"], splits["validation"]["id"]
    execution = rec.workflow_started(t["workflow"]["name"], t["workflow"].get("version"), t["study"], t["experiment"],
                                     workflow_execution_id=run["id"], time=clock.after(120), **who)
    train = rec.task_started(
        "train-unet", f"{run['id']}-training", stage="training", algorithm=t["algorithm"],
        learning_task=t["learningTask"],
        used={"training_tiles": {"ref": training_id, "kind": "dataset"},
              "validation_tiles": {"ref": validation_id, "kind": "dataset"}},
        hyperparameters={"learning_rate": run["learningRate"], "batch_size": run["batchSize"],
                         "epochs": run["epochs"]},
        time=clock.after(1), **who,
    )
    for epoch in range(1, run["epochs"] + 1):
        section = rec.task_started("epoch", f"{train}-epoch-{epoch}", parent_task_id=train, stage="training",
                                   epoch=epoch, time=clock.after(1), **who)
        if run.get("failAtEpoch") == epoch:
            error = run.get("error", "training failed")
            rec.task_ended(section, error=error, time=clock.after(95))
            rec.task_ended(train, error=error, time=clock.after(1))
            rec.workflow_ended(error=error, workflow_execution_id=execution, time=clock.after(1))
            return None
        values = _curve(run, epoch)
        time = clock.after(180 * (64 / run["batchSize"]) ** 0.5)
        for measure, value, stage, data in (
            ("loss", values["loss"], "training", training_id),
            ("accuracy", values["accuracy"], "training", training_id),
            ("loss", _round(values["loss"] * 1.08), "validation", validation_id),
            ("accuracy", _round(values["accuracy"] - 0.02), "validation", validation_id),
        ):
            rec.log_metric(measure, value, epoch, stage, dataset_id=data, task_id=section, time=time)
        rec.task_ended(section, time=clock.after(1))
    model = rec.model_saved(model_id(run["id"]), f"file:///models/facies-unet/{run['id']}.pt", [training_id],
                            name=f"facies-unet ({run['id']})", size_bytes=124_000_000, task_id=train,
                            time=clock.after(5))
    rec.task_ended(train, time=clock.after(1))
    evaluation = rec.task_started(
        "evaluate-unet", f"{run['id']}-evaluation", stage="evaluation",
        used={"model": {"ref": model, "kind": "model"}, "validation_tiles": {"ref": validation_id, "kind": "dataset"}},
        time=clock.after(2), **who,
    )
    final = _curve(run, run["epochs"])
    rec.log_metric("accuracy", _round(final["accuracy"] - 0.01), stage="evaluation", model_id=model,
                   dataset_id=validation_id, task_id=evaluation, time=clock.after(60))
    rec.log_metric("loss", _round(final["loss"] * 1.1), stage="evaluation", model_id=model, dataset_id=validation_id,
                   task_id=evaluation, time=clock.after(0))
    rec.task_ended(evaluation, time=clock.after(1))
    rec.workflow_ended(workflow_execution_id=execution, time=clock.after(1))
    return model


def best_model(url: str, experiment_id: str, token: Optional[str] = None) -> List[Dict[str, str]]:
    """The catalog's best-model-hyperparameters for the experiment (highest accuracy), as plain rows."""
    body = json.dumps({"params": {"experiment": EXPERIMENT_IRI_BASE + urllib.parse.quote(experiment_id, safe=""),
                                  "measure": "accuracy", "maximize": True}}).encode()
    request = urllib.request.Request(f"{url.rstrip('/')}/api/v1/queries/best-model-hyperparameters", data=body,
                                     method="POST", headers={"Content-Type": "application/json",
                                                             "Accept": "application/sparql-results+json"})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        results = json.load(response)
    return [{key: cell["value"] for key, cell in row.items()} for row in results["results"]["bindings"]]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m provml.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("PROVML_URL") or DEFAULT_URL, help="provml server")
    parser.add_argument("--token", default=os.environ.get("PROVML_TOKEN") or None)
    parser.add_argument("--file", help="write the events to this NDJSON file instead (offline; provml ingest it)")
    args = parser.parse_args(argv)
    warnings_seen: List[str] = []
    if args.file:
        rec = Recorder(file=args.file, id_prefix="demo", on_warning=warnings_seen.append, record_pid=False)
    else:
        try:
            urllib.request.urlopen(f"{args.url.rstrip('/')}/health", timeout=5).close()
        except (OSError, urllib.error.URLError) as error:
            print(f"provml demo: no provml server answers at {args.url} ({error}): start one with `npm start`.",
                  file=sys.stderr)
            return 1
        rec = Recorder(
            url=args.url, token=args.token, id_prefix="demo", on_warning=warnings_seen.append, record_pid=False
        )
    recorded = record_seismic_lifecycle(rec)
    result = rec.close(timeout=30)
    if not result.complete or result.rejected:
        why = warnings_seen[0] if warnings_seen else f"{result.pending} pending, {result.rejected} rejected"
        print(f"provml demo: the events were not all delivered: {why}", file=sys.stderr)
        return 1
    where = args.file or args.url
    print(f"Recorded {result.delivered} events ({result.triples} triples) of "
          f"{len(recorded['workflowExecutions'])} workflow executions into {where}.")
    print(f"Training runs: {', '.join(recorded['trainingRuns'])} (failed: {', '.join(recorded['failedRuns'])}).")
    if args.file:
        print(f"Load it with: provml ingest {args.file}")
        return 0
    rows = best_model(args.url, recorded["experimentId"], args.token)
    if rows:
        first = rows[0]
        params = ", ".join(f"{r['hyperparameter']}={r['hyperparameterValue']}" for r in rows if "hyperparameter" in r)
        print(f"Best model of experiment {recorded['experimentId']} by accuracy: {first['model']} "
              f"({first['value']}), {first.get('algorithm', '?')} with {params}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
