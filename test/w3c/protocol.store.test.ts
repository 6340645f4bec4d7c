// The W3C SPARQL 1.1 Protocol manifest (rdf-tests sparql/sparql11/protocol), every entry over HTTP.
import { manifestFile, readManifest } from './support/manifest.ts';
import { conformanceSuite } from './support/suite.ts';

conformanceSuite('W3C SPARQL 1.1 Protocol', readManifest(manifestFile('protocol')), {
  paths: [['/sparql/', '/sparql']],
  entries: 34,
});
