"""Drives a provml endpoint with unmodified generic Python clients: SPARQLWrapper, and rdflib's
SPARQLStore / SPARQLUpdateStore. Prints one JSON object with what each client saw.

Usage: python3 generic_clients.py <base URL of the server>
"""
import json
import sys

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore
from SPARQLWrapper import GET, JSON, POST, POSTDIRECTLY, TURTLE, URLENCODED, SPARQLWrapper

base = sys.argv[1]
endpoint = f"{base}/sparql"
EX = "http://example.org/"
GRAPH = URIRef(f"{EX}clients")
seen = {}

# SPARQLWrapper: a query by GET, by URL-encoded POST and by direct POST; an update by POST; a CONSTRUCT.
for name, method, request in [("get", GET, None), ("form", POST, URLENCODED), ("direct", POST, POSTDIRECTLY)]:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(method)
    if request:
        wrapper.setRequestMethod(request)
    wrapper.setReturnFormat(JSON)
    wrapper.setQuery(f'SELECT ?o WHERE {{ GRAPH ?g {{ <{EX}a> <{EX}p> ?o }} }}')
    seen[f"wrapper_select_{name}"] = [row["o"]["value"] for row in wrapper.query().convert()["results"]["bindings"]]

update = SPARQLWrapper(endpoint)
update.setMethod(POST)
update.setQuery(f'INSERT DATA {{ GRAPH <{GRAPH}> {{ <{EX}w> <{EX}p> "from SPARQLWrapper" }} }}')
seen["wrapper_update"] = update.query().response.status

ask = SPARQLWrapper(endpoint)
ask.setReturnFormat(JSON)
ask.setQuery(f'ASK {{ GRAPH <{GRAPH}> {{ <{EX}w> <{EX}p> "from SPARQLWrapper" }} }}')
seen["wrapper_ask"] = ask.query().convert()["boolean"]

construct = SPARQLWrapper(endpoint)
construct.setReturnFormat(TURTLE)
construct.setQuery(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}")
parsed = Graph().parse(data=construct.query().convert(), format="turtle")
seen["wrapper_construct"] = sorted(str(o) for o in parsed.objects())

# rdflib: a graph of a SPARQLUpdateStore is written and read back; a SPARQLStore reads.
store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
graph = Graph(store, identifier=GRAPH)
graph.add((URIRef(f"{EX}r"), URIRef(f"{EX}p"), Literal("from rdflib")))
seen["rdflib_objects"] = sorted(str(o) for o in graph.objects(URIRef(f"{EX}r"), URIRef(f"{EX}p")))
graph.remove((URIRef(f"{EX}w"), None, None))
seen["rdflib_len_after_remove"] = len(graph)
reader = Graph(SPARQLStore(query_endpoint=endpoint), identifier=GRAPH)
seen["rdflib_query"] = [str(row.o) for row in reader.query(f"SELECT ?o WHERE {{ <{EX}r> ?p ?o }}")]
store.close()

print(json.dumps(seen))
