// The web page's static side: in-memory bundle of src/web, hashed assets, the HTML pages.
export { buildWebBundle, WEB_SOURCE_DIR, type WebBundle } from './assets.ts';
export { createWebRouter, wantsEditor } from './router.ts';
