// The web page's server side: in-memory bundle of src/web, hashed assets, the HTML pages, the live stream.
export { buildWebBundle, WEB_SOURCE_DIR, type WebBundle } from './assets.ts';
export { createWriteSignals, type WriteSignals } from './live.ts';
export { createWebRouter, wantsEditor } from './router.ts';
