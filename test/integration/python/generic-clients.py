"""SPARQLWrapper and rdflib's SPARQLUpdateStore against a provml /sparql, unmodified (argv[1] = endpoint)."""
import json
import sys

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLUpdateStore
from SPARQLWrapper import JSON, POST, SPARQLWrapper

endpoint = sys.argv[1]
EX = "http://example.org/py/"

store = SPARQLUpdateStore(query_endpoint=endpoint, update_endpoint=endpoint)
graph = Graph(store, identifier=URIRef(EX + "g"))
graph.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal("from rdflib")))
seen = [str(o) for o in graph.objects(URIRef(EX + "s"), URIRef(EX + "p"))]

wrapper = SPARQLWrapper(endpoint)
wrapper.setQuery(f"SELECT ?o WHERE {{ GRAPH <{EX}g> {{ <{EX}s> <{EX}p> ?o }} }}")
wrapper.setReturnFormat(JSON)
rows = [b["o"]["value"] for b in wrapper.query().convert()["results"]["bindings"]]

update = SPARQLWrapper(endpoint)
update.setMethod(POST)
update.setQuery(f"DELETE WHERE {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}")
update.query()
wrapper.setQuery(f"ASK {{ GRAPH <{EX}g> {{ ?s ?p ?o }} }}")
left = wrapper.query().convert()["boolean"]

print(json.dumps({"rdflib": seen, "sparqlwrapper": rows, "left": left}))
