import { BadRequestError } from '../errors.ts';
import { PARAM_TYPES, type ParamType } from './params.ts';

export const PHASES = ['data-curation', 'learning-data-preparation', 'learning', 'any'] as const;
export type Phase = (typeof PHASES)[number];

export interface CatalogParam {
  name: string;
  type: ParamType;
  /** `type?` or `type*` in the header: may be left out (the variable is then unconstrained). */
  required: boolean;
  /** `type*` or `type+`: may be given several times (each value is one VALUES row). */
  multiple: boolean;
  description: string;
}

export interface CatalogColumn {
  name: string;
  description: string;
}

/** What a catalog query's header declares. */
export interface CatalogHeader {
  name: string;
  description: string;
  phase: Phase;
  online: boolean;
  /** Joins external sources (run through Comunica when sources are given). */
  federated: boolean;
  params: CatalogParam[];
  columns: CatalogColumn[];
}

const LINE = /^#\s*@(\w+)\s*(.*)$/;
const PARAM = /^([A-Za-z_][A-Za-z0-9_]*)\s+(\w+)([?*+]?)\s*(?:[—–-]+\s*(.*))?$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;
const COLUMN = /^([A-Za-z_][A-Za-z0-9_]*)\s*(?:[—–-]+\s*(.*))?$/;

/**
 * Reads the leading `# @key value` comment block of a catalog .rq file:
 *   @name, @purpose, @phase, @mode online|offline, @federated, @param NAME TYPE[?*+] — text, @column NAME — text.
 * A malformed header is a bug in the catalog, reported with the file and line.
 */
export function parseHeader(text: string, file: string): CatalogHeader {
  const fail = (line: number, message: string): never => {
    throw new BadRequestError(`${file}:${line}: ${message}`);
  };
  const header: Partial<CatalogHeader> & { params: CatalogParam[]; columns: CatalogColumn[] } = {
    params: [],
    columns: [],
    federated: false,
  };
  for (const [index, line] of text.split('\n').entries()) {
    const trimmed = line.trim();
    if (!trimmed.startsWith('#')) break;
    const match = LINE.exec(trimmed);
    if (!match) continue;
    const [, key = '', value = ''] = match;
    const lineNo = index + 1;
    switch (key) {
      case 'name':
        if (!NAME.test(value.trim()))
          fail(lineNo, '@name expects one lower-case name (letters, digits, hyphens)');
        header.name = value.trim();
        break;
      case 'purpose':
        header.description = header.description ? `${header.description} ${value.trim()}` : value.trim();
        break;
      case 'phase':
        if (!(PHASES as readonly string[]).includes(value.trim()))
          fail(lineNo, `@phase must be one of ${PHASES.join(', ')}`);
        header.phase = value.trim() as Phase;
        break;
      case 'mode':
        if (!['online', 'offline'].includes(value.trim())) fail(lineNo, '@mode must be online or offline');
        header.online = value.trim() === 'online';
        break;
      case 'federated':
        header.federated = true;
        break;
      case 'param': {
        const param =
          PARAM.exec(value.trim()) ?? fail(lineNo, '@param expects: NAME TYPE[?*+] — description');
        const [, name = '', type = '', suffix = '', description = ''] = param;
        if (!(PARAM_TYPES as readonly string[]).includes(type))
          fail(lineNo, `@param type must be one of ${PARAM_TYPES.join(', ')}`);
        header.params.push({
          name,
          type: type as ParamType,
          required: suffix === '' || suffix === '+',
          multiple: suffix === '*' || suffix === '+',
          description,
        });
        break;
      }
      case 'column': {
        const column = COLUMN.exec(value.trim()) ?? fail(lineNo, '@column expects: NAME — description');
        header.columns.push({ name: column[1] ?? '', description: column[2] ?? '' });
        break;
      }
      case 'bind':
        break;
      default:
        fail(lineNo, `unknown header key @${key}`);
    }
  }
  for (const key of ['name', 'description', 'phase', 'online'] as const) {
    if (header[key] === undefined)
      fail(1, `missing @${key === 'description' ? 'purpose' : key === 'online' ? 'mode' : key}`);
  }
  return header as CatalogHeader;
}
