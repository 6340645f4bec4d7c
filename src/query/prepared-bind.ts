import {
  type PreparedQuery,
  prepareQueryTemplate,
  type QueryTemplate,
  type TemplatePart,
  valuesSlot,
} from '../store/index.ts';
import { bindTerms, noBindMarker, type ParamValues, splitAtBindMarkers, valueRows } from './bind.ts';
import type { CatalogParam } from './catalog-header.ts';

// Why parsed once: sparqljs took 5–20 ms to parse a catalog query of a few KB, per request, for answers the engine
// gives in 1–2 ms. A catalog query is a template: its `# @bind` lines are VALUES slots, so binding puts the
// parameters' terms into the parse tree (and the text, through the audited term writer) without parsing again.
// The VALUES block names only the parameters given, so there is one template per set of given names.

interface Bindable {
  query: string;
  params: CatalogParam[];
}

const templates = new WeakMap<Bindable, Map<string, QueryTemplate>>();

/** The catalog query with its parameters bound, prepared: what `bindQuery`'s text parses to. */
export function bindPrepared(entry: Bindable, values: ParamValues): PreparedQuery {
  const bound = bindTerms(entry.params, values);
  const names = [...bound.keys()];
  const template = templateFor(entry, names);
  if (names.length === 0) return template.bind();
  const rows = valueRows(bound);
  return template.bind(...Array.from({ length: slotCount(entry) }, () => rows));
}

function templateFor(entry: Bindable, names: string[]): QueryTemplate {
  let byNames = templates.get(entry);
  if (!byNames) {
    byNames = new Map();
    templates.set(entry, byNames);
  }
  const key = names.join(' ');
  let template = byNames.get(key);
  if (!template) {
    template = prepareQueryTemplate(names.length === 0 ? [entry.query] : partsOf(entry.query, names));
    byNames.set(key, template);
  }
  return template;
}

function partsOf(query: string, names: string[]): TemplatePart[] {
  const pieces = splitAtBindMarkers(query);
  if (pieces.length < 2) throw noBindMarker();
  const parts: TemplatePart[] = [pieces[0] as string];
  for (const piece of pieces.slice(1)) parts.push(valuesSlot(...names), piece);
  return parts;
}

function slotCount(entry: Bindable): number {
  return splitAtBindMarkers(entry.query).length - 1;
}
