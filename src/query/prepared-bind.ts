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

/** A template and how many VALUES slots it has (one per `# @bind` line; none without parameters). */
interface Prepared {
  template: QueryTemplate;
  slots: number;
}

const templates = new WeakMap<Bindable, Map<string, Prepared>>();

/** The catalog query with its parameters bound, prepared: what `bindQuery`'s text parses to. */
export function bindPrepared(entry: Bindable, values: ParamValues): PreparedQuery {
  const bound = bindTerms(entry.params, values);
  const { template, slots } = templateFor(entry, [...bound.keys()]);
  if (slots === 0) return template.bind();
  const rows = valueRows(bound);
  return template.bind(...Array.from({ length: slots }, () => rows));
}

function templateFor(entry: Bindable, names: string[]): Prepared {
  let byNames = templates.get(entry);
  if (!byNames) {
    byNames = new Map();
    templates.set(entry, byNames);
  }
  const key = names.join(' ');
  let prepared = byNames.get(key);
  if (!prepared) {
    prepared =
      names.length === 0
        ? { template: prepareQueryTemplate([entry.query]), slots: 0 }
        : slotted(entry.query, names);
    byNames.set(key, prepared);
  }
  return prepared;
}

function slotted(query: string, names: string[]): Prepared {
  const pieces = splitAtBindMarkers(query);
  if (pieces.length < 2) throw noBindMarker();
  const parts: TemplatePart[] = [pieces[0] as string];
  for (const piece of pieces.slice(1)) parts.push(valuesSlot(...names), piece);
  return { template: prepareQueryTemplate(parts), slots: pieces.length - 1 };
}
