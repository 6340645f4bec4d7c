import { compactIri } from './compact.ts';
import type { DataReport } from './validate-data.ts';
import type { AlignmentReport } from './validate-ontology.ts';

/** Plain-text table: columns padded to their widest cell (the last column is left unpadded). */
export function textTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    line(widths.map((w, i) => '-'.repeat(i === widths.length - 1 ? (header[i] ?? '').length : w))),
    ...rows.map(line),
  ].join('\n');
}

const show = (iri: string): string => {
  const compact = compactIri(iri);
  return compact.startsWith('<') ? iri : compact;
};

const showPath = (path: string): string =>
  path.startsWith('^') ? `^${show(path.slice(1))}` : path && show(path);

export function formatAlignmentReport(report: AlignmentReport): string {
  const scope = `${report.files.join(', ')} (namespace ${report.namespaces.join(', ') || 'none found'})`;
  if (report.ok) return `Alignment check of ${scope}: ${report.rules.length} rules, no violations.\n`;
  const rows = report.violations.map((v) => [v.rule, show(v.term), v.message]);
  const rules = [...new Set(report.violations.map((v) => v.rule))].join(', ');
  return `Alignment check of ${scope}\n\n${textTable(['RULE', 'TERM', 'MESSAGE'], rows)}\n\n${report.violations.length} violation(s) of: ${rules}\n`;
}

export function formatDataReport(report: DataReport, source: string): string {
  if (report.results.length === 0) return `SHACL validation of ${source}: conforms.\n`;
  const rows = report.results.map((r) => [r.severity, show(r.focusNode), showPath(r.path), r.message]);
  return `SHACL validation of ${source}\n\n${textTable(['SEVERITY', 'FOCUS NODE', 'PATH', 'MESSAGE'], rows)}\n\n${report.violations} violation(s), ${report.warnings} warning(s)\n`;
}
