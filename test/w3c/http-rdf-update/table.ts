// The entries of the deprecated rdf-tests manifest sparql11/http-rdf-update/manifest.ttl exist only as prose
// (an rdfs:comment showing the HTTP request and response). Here each one is written out as data, keyed by its
// entry IRI (the test checks that the keys are exactly the manifest's entries, in its order). The prose is
// followed with these readings, all stated in docs/sparql-conformance.md:
//  - direct identification ($GRAPHSTORE$/person/1.ttl) is written as the indirect request for the same graph,
//    ?graph=http://$HOST$/$GRAPHSTORE$/person/1.ttl, as the manifest itself does for its GETs; provml does
//    not offer direct identification;
//  - a single status in the prose where the GSP specification allows two (PUT/POST on an existing graph,
//    DELETE: "200 OK or 204 No Content") accepts both;
//  - two Turtle bodies lack their final "." (a syntax error); it is added. Multipart lines end in CRLF.
//  - $NEWPATH$ (the Location of the created graph) is a graph IRI on provml, so it is read with ?graph=.
import type { ExchangeRequest, ExpectedResponse } from '../support/manifest.ts';

const GSP = 'http://www.w3.org/2009/sparql/docs/tests/data-sparql11/http-rdf-update/manifest#';
const PERSON = (n: number): string => `/$GRAPHSTORE$?graph=http://$HOST$/$GRAPHSTORE$/person/${n}.ttl`;
const TURTLE: Array<[string, string]> = [['content-type', 'text/turtle; charset=utf-8']];
const ACCEPT_TURTLE: Array<[string, string]> = [['accept', 'text/turtle']];
const PREFIXES =
  '@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n@prefix v: <http://www.w3.org/2006/vcard/ns#> .\n';

const ok = (...codes: number[]): ExpectedResponse => ({
  statuses: codes.map((code) => ({ code })),
  headers: [],
});
const turtle = (chars: string): ExpectedResponse => ({
  statuses: [{ code: 200 }],
  headers: TURTLE,
  body: { chars: PREFIXES + chars, encoding: 'UTF-8' },
});
const body = (chars: string) => ({ chars, encoding: 'UTF-8' });

const person1 = (name: string): string =>
  `<http://$HOST$/$GRAPHSTORE$/person/1> a foaf:Person; foaf:businessCard [ a v:VCard; v:fn "${name}" ].`;
const alice = '[] a foaf:Person; foaf:businessCard [ a v:VCard; v:given-name "Alice" ] .';
const BOUNDARY = 'a6fe4cd636164618814be9f8d3d1a0de';
const part = (name: string, triple: string): string =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"; filename="${name}"\r\nContent-Type: text/turtle; charset=utf-8\r\n\r\n@prefix foaf: <http://xmlns.com/foaf/0.1/> .\r\n${triple}\r\n\r\n`;

export const HTTP_RDF_UPDATE: ReadonlyArray<readonly [iri: string, request: ExchangeRequest]> = [
  [
    `${GSP}put__initial_state`,
    {
      method: 'PUT',
      path: PERSON(1),
      headers: TURTLE,
      body: body(PREFIXES + person1('John Doe')),
      response: ok(201),
    },
  ],
  [
    `${GSP}get_of_put__initial_state`,
    { method: 'GET', path: PERSON(1), headers: ACCEPT_TURTLE, response: turtle(person1('John Doe')) },
  ],
  [
    `${GSP}put__graph_already_in_store`,
    {
      method: 'PUT',
      path: PERSON(1),
      headers: TURTLE,
      body: body(PREFIXES + person1('Jane Doe')),
      response: ok(204, 200),
    },
  ],
  [
    `${GSP}get_of_put__graph_already_in_store`,
    { method: 'GET', path: PERSON(1), headers: ACCEPT_TURTLE, response: turtle(person1('Jane Doe')) },
  ],
  [
    `${GSP}put__default_graph`,
    {
      method: 'PUT',
      path: '/$GRAPHSTORE$?default',
      headers: TURTLE,
      body: body(PREFIXES + alice),
      response: ok(201),
    },
  ],
  [
    `${GSP}get_of_put__default_graph`,
    { method: 'GET', path: '/$GRAPHSTORE$?default', headers: ACCEPT_TURTLE, response: turtle(alice) },
  ],
  [
    `${GSP}delete__existing_graph`,
    { method: 'DELETE', path: PERSON(2), headers: [], response: ok(200, 204) },
  ],
  [`${GSP}get_of_delete__existing_graph`, { method: 'GET', path: PERSON(2), headers: [], response: ok(404) }],
  [`${GSP}delete__nonexistent_graph`, { method: 'DELETE', path: PERSON(2), headers: [], response: ok(404) }],
  [
    `${GSP}post__existing_graph`,
    {
      method: 'POST',
      path: PERSON(1),
      headers: TURTLE,
      body: body(
        '@prefix foaf: <http://xmlns.com/foaf/0.1/> .\n<http://$HOST$/$GRAPHSTORE$/person/1> foaf:name "Jane Doe" .',
      ),
      response: ok(200, 204),
    },
  ],
  [
    `${GSP}get_of_post__existing_graph`,
    { method: 'GET', path: PERSON(1), headers: ACCEPT_TURTLE, response: turtle(person1('John Doe')) },
  ],
  [
    `${GSP}post__multipart_formdata`,
    {
      method: 'POST',
      path: PERSON(1),
      headers: [['content-type', `multipart/form-data; boundary=${BOUNDARY}`]],
      body: body(
        `${part('lastName.ttl', '<http://$HOST$/$GRAPHSTORE$/person/1> foaf:familyName "Doe" .')}${part('firstName.ttl', '<http://$HOST$/$GRAPHSTORE$/person/1> foaf:givenName "Jane" .')}--${BOUNDARY}--\r\n`,
      ),
      response: ok(200, 204),
    },
  ],
  [
    `${GSP}get_of_post__multipart_formdata`,
    {
      method: 'GET',
      path: PERSON(1),
      headers: [],
      response: turtle(
        '<http://$HOST$/$GRAPHSTORE$/person/1> a foaf:Person; foaf:name "Jane Doe"; foaf:givenName "Jane"; foaf:familyName "Doe"; foaf:businessCard [ a v:VCard; v:fn "Jane Doe" ] .',
      ),
    },
  ],
  [
    `${GSP}post__create__new_graph`,
    {
      method: 'POST',
      path: '/$GRAPHSTORE$',
      headers: TURTLE,
      body: body(PREFIXES + alice),
      response: { ...ok(201), location: '$NEWPATH$' },
    },
  ],
  [
    `${GSP}get_of_post__create__new_graph`,
    { method: 'GET', path: '/$GRAPHSTORE$?graph=$NEWPATH$', headers: ACCEPT_TURTLE, response: turtle(alice) },
  ],
  [
    `${GSP}get_of_post__after_noop`,
    { method: 'GET', path: '/$GRAPHSTORE$?graph=$NEWPATH$', headers: ACCEPT_TURTLE, response: turtle(alice) },
  ],
  [
    `${GSP}head_on_an_existing_graph`,
    { method: 'HEAD', path: PERSON(1), headers: [], response: { ...ok(200), headers: TURTLE } },
  ],
  [`${GSP}head_on_a_nonexisting_graph`, { method: 'HEAD', path: PERSON(4), headers: [], response: ok(404) }],
];
