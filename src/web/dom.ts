// Small DOM helpers: elements are built with text content, never from HTML strings of data.

export { shortName } from '../vocab.ts';

type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** An SVG element, built like h(): attributes and text, never markup. */
export function svg(
  tag: string,
  attributes: Record<string, string | number | undefined> = {},
  ...children: Child[]
): SVGElement {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes))
    if (value !== undefined) element.setAttribute(name, String(value));
  for (const child of children)
    if (child !== null && child !== undefined && child !== false) element.append(child);
  return element;
}

/** xsd:dayTimeDuration (PT1H2M3.5S) as "1 h 2 min 4 s". */
export function formatDuration(duration: string | undefined): string {
  const match = /^P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(duration ?? '');
  if (!match) return duration ?? '';
  const [, d, hours, minutes, seconds] = match;
  const parts = [
    d ? `${d} d` : '',
    hours ? `${hours} h` : '',
    minutes ? `${minutes} min` : '',
    seconds ? `${Math.round(Number(seconds))} s` : '',
  ].filter(Boolean);
  return parts.join(' ') || '0 s';
}

export function formatTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC') : '';
}

export function formatNumber(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  const value = Number(text);
  return Number.isFinite(value) && /^[-+\d.eE]+$/.test(text) ? String(Number(value.toPrecision(6))) : text;
}

export function errorBox(error: unknown): HTMLElement {
  return h('p', { class: 'error', role: 'alert' }, error instanceof Error ? error.message : String(error));
}
