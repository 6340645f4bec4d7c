// The W3C SPARQL 1.1 Graph Store Protocol manifests (rdf-tests sparql/sparql11/graph-store-protocol), over HTTP.
import { manifestFile, readManifest } from './support/manifest.ts';
import { conformanceSuite } from './support/suite.ts';

conformanceSuite('W3C SPARQL 1.1 Graph Store Protocol', readManifest(manifestFile('graph-store-protocol')), {
  paths: [['/gsp', '/store']],
  entries: 13,
});
