"""Runs the provml catalog queries with rdflib on the benchmark's N-Quads (a generic RDF engine, for comparison).

Usage: /usr/bin/python3 run_queries.py REQUEST.json   (prints a JSON result on stdout)
REQUEST: {"files": [...], "queries": [{"name", "query"}], "warmup": n, "reps": n, "budgetSeconds": s}
The default graph is the union of all graphs, as provml's catalog assumes.
Needs Debian's python3-rdflib; exits with code 3 when rdflib cannot be imported.
"""
import json
import resource
import signal
import sys
import time

try:
    import rdflib
    from rdflib import ConjunctiveGraph
except ImportError as error:  # reported by the suite as "not installed"
    print(json.dumps({"error": f"rdflib not importable: {error}"}))
    sys.exit(3)


class Timeout(Exception):
    pass


def on_alarm(signum, frame):
    raise Timeout()


def max_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def run_once(graph, query, seconds):
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return len(list(graph.query(query)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def measure(graph, query, warmup, reps, budget):
    result = {"samples": [], "warmupMs": [], "rows": 0}
    started = time.perf_counter()
    for i in range(warmup + reps):
        t0 = time.perf_counter()
        try:
            result["rows"] = run_once(graph, query, budget)
        except Timeout:
            if not result["samples"] and not result["warmupMs"]:
                result["timedOut"] = True
                return result
            break
        ms = (time.perf_counter() - t0) * 1000
        (result["warmupMs"] if i < warmup else result["samples"]).append(ms)
        if time.perf_counter() - started > budget and result["samples"]:
            break
    return result


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        request = json.load(handle)
    signal.signal(signal.SIGALRM, on_alarm)
    rss_before = max_rss_bytes()
    t0 = time.perf_counter()
    graph = ConjunctiveGraph()
    for path in request["files"]:
        graph.parse(path, format="nquads")
    load = {"ms": (time.perf_counter() - t0) * 1000, "quads": len(graph), "rssBeforeBytes": rss_before, "rssAfterBytes": max_rss_bytes()}
    print(f"   rdflib loaded {load['quads']} quads in {load['ms'] / 1000:.1f} s", file=sys.stderr, flush=True)
    queries = {}
    for item in request["queries"]:
        try:
            queries[item["name"]] = measure(graph, item["query"], request["warmup"], request["reps"], request["budgetSeconds"])
        except Exception as error:  # a query rdflib cannot run is a result, not a crash
            queries[item["name"]] = {"error": f"{type(error).__name__}: {error}"[:300]}
        print(f"   rdflib {item['name']}: done", file=sys.stderr, flush=True)
    print(json.dumps({"version": rdflib.__version__, "load": load, "queries": queries}))


if __name__ == "__main__":
    main()
