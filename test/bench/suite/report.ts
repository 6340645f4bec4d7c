import type { CaptureResults } from './capture.ts';
import type { GroupResult } from './group.ts';
import type { IngestionSize } from './ingestion.ts';
import { pythonSection } from './python.ts';
import type { EngineFigure, QuerySizeResult } from './queries.ts';
import type { RecoveryResults, RecoverySize } from './recovery.ts';

type Row = Array<string | number | undefined>;
type Sized<T> = Array<T | { size: number; error: string }>;

export interface BenchReport {
  meta: Record<string, unknown>;
  datasets: GroupResult<unknown>;
  groups: Partial<Record<string, GroupResult<unknown>>>;
}

const fmt = (value: string | number | undefined): string => {
  if (value === undefined || (typeof value === 'number' && Number.isNaN(value))) return '–';
  if (typeof value === 'number')
    return value >= 1e4 ? Math.round(value).toLocaleString('en-US') : String(value);
  return value;
};

/** A Markdown table (pastes into the README as is). */
export function table(header: string[], rows: Row[]): string {
  const lines = [header, header.map(() => '---'), ...rows.map((row) => row.map(fmt))];
  return lines.map((line) => `| ${line.join(' | ')} |`).join('\n');
}

const isError = (entry: object): entry is { size: number; error: string } =>
  'error' in entry && !('paths' in entry) && !('queries' in entry) && !('raw' in entry);
const engine = (figure: EngineFigure): [string, string] =>
  figure.status === 'ok' ? [fmt(figure.medianMs), fmt(figure.p95Ms)] : [figure.status, ''];
const sizeLabel = (size: number): string => `10^${Math.round(Math.log10(size) * 10) / 10}`.replace('.0', '');

function groupHeader(name: string, group: GroupResult<unknown> | undefined): string | undefined {
  if (!group) return undefined;
  const head = `\n## ${name} (${group.status}, ${group.seconds} s)`;
  if (group.status !== 'ok') return `${head}\n${group.error ?? ''}`;
  return [head, ...group.notes.map((note) => `- ${note}`)].join('\n');
}

function captureSection(results: CaptureResults): string {
  const calls = table(
    ['client call', 'ns/call'],
    Object.entries(results.callNs).map(([call, ns]) => [call, ns]),
  );
  const loops = table(
    [
      'training loop logging',
      'median ms',
      'events/s',
      'CPU overhead % (measured)',
      'on/off ratio (wall)',
      'derived overhead %',
    ],
    results.loops.map((loop) => [
      loop.logging,
      loop.medianMs,
      loop.eventsPerSecond,
      loop.overheadPercent,
      loop.ratio,
      loop.derivedOverheadPercent,
    ]),
  );
  return `${calls}\n\n${loops}\n\nDelivery of ${results.delivery.events} buffered events to the server: ${results.delivery.seconds} s (${fmt(results.delivery.eventsPerSecond)} events/s).`;
}

function ingestionSection(results: Sized<IngestionSize>): string {
  const rows: Row[] = [];
  for (const entry of results) {
    if (isError(entry)) rows.push([sizeLabel(entry.size), `error: ${entry.error}`]);
    else
      for (const path of entry.paths)
        rows.push([
          fmt(entry.triples),
          path.path,
          path.status === 'ok' ? path.seconds : `error: ${path.error}`,
          path.eventsPerSecond,
          path.triplesPerSecond,
          path.ratioToRawLoad,
        ]);
  }
  return table(['triples', 'path', 'seconds', 'events/s', 'triples/s', 'ratio to in-memory load'], rows);
}

function querySection(results: Sized<QuerySizeResult>): string {
  const parts: string[] = [];
  const ok = results.filter((entry): entry is QuerySizeResult => !isError(entry));
  for (const entry of results) {
    if (isError(entry)) {
      parts.push(`${sizeLabel(entry.size)}: error: ${entry.error}`);
      continue;
    }
    const load = entry.load;
    parts.push(
      `### ${fmt(entry.triples)} triples (Oxigraph in-memory load ${load.native.seconds} s, ${load.native.bytesPerTriple} B/triple${load.rdflib ? `; rdflib load ${load.rdflib.seconds} s, ${load.rdflib.bytesPerTriple} B/triple` : ''})`,
      table(
        [
          'query',
          'native median ms',
          'p95',
          'rows',
          'Comunica median ms',
          'p95',
          'Comunica ÷ native',
          'rdflib median ms',
          'p95',
          'rdflib ÷ native',
        ],
        entry.queries.map((q) => [
          q.name,
          ...engine(q.native),
          q.native.rows,
          ...engine(q.comunica),
          q.comunicaRatio,
          ...engine(q.rdflib),
          q.rdflibRatio,
        ]),
      ),
    );
  }
  if (ok.length > 1) {
    const first = ok[0] as QuerySizeResult;
    const names = first.queries.map((q) => q.name);
    const header = [
      'query (native median ms)',
      ...ok.map((entry) => fmt(entry.triples)),
      `growth ×${fmt(Math.round((ok.at(-1) as QuerySizeResult).triples / first.triples))} data`,
    ];
    const rows = names.map((name) => {
      const medians = ok.map((entry) => entry.queries.find((q) => q.name === name)?.native);
      const a = medians[0]?.medianMs;
      const b = medians.at(-1)?.medianMs;
      return [
        name,
        ...medians.map((m) => (m?.status === 'ok' ? m.medianMs : m?.status)),
        a && b ? `×${Math.round((b / a) * 10) / 10}` : undefined,
      ];
    });
    parts.push('### Growth with the data size', table(header, rows));
  }
  return parts.join('\n\n');
}

function recoverySection(results: RecoveryResults): string {
  const rows: Row[] = results.sizes.map((entry) =>
    isError(entry)
      ? [sizeLabel(entry.size), `error: ${entry.error}`]
      : [
          fmt((entry as RecoverySize).quads),
          entry.raw.openFromSnapshotMs,
          entry.snapshotRestartSecondsPerMillion,
          entry.raw.openFromSnapshotAndLogMs,
          entry.logRestartSecondsPerMillion,
          entry.raw.openFromSnapshotRssMiB,
          entry.rssBytesPerTripleGross,
          entry.raw.quadsPerSecond,
          entry.raw.ratioToRawLoad,
        ],
  );
  const out = table(
    [
      'quads',
      'restart from snapshot ms',
      's per 10^6',
      'restart from snapshot + log ms',
      's per 10^6',
      'RSS MiB',
      'RSS B/triple (gross)',
      'durable writes quads/s',
      'write ÷ raw load',
    ],
    rows,
  );
  return results.marginalRssBytesPerTriple === undefined
    ? out
    : `${out}\n\nMarginal resident memory: ${results.marginalRssBytesPerTriple} bytes per triple (slope between sizes, process baseline excluded).`;
}

export function printReport(report: BenchReport): void {
  const out: string[] = [
    `# provml benchmarks — ${String(report.meta.date)}`,
    `${String(report.meta.command)}; node ${String(report.meta.node)}; ${String(report.meta.cpus)} × ${String(report.meta.cpuModel)}; load average ${String(report.meta.loadAverageAtStart)} → ${String(report.meta.loadAverageAtEnd)}`,
  ];
  const datasets = report.datasets.results as Array<Record<string, unknown>> | undefined;
  if (datasets) {
    out.push(
      '',
      table(
        ['target', 'triples', 'events', 'workflow executions', 'runs finished/failed/running'],
        datasets.map((d) => {
          const runs = d.runs as { finished: number; failed: number; running: number } | undefined;
          return [
            fmt(d.size as number),
            fmt(d.triples as number),
            fmt(d.events as number),
            d.workflows as number,
            runs ? `${runs.finished}/${runs.failed}/${runs.running}` : String(d.error ?? ''),
          ];
        }),
      ),
    );
  }
  const concurrencySection = (results: { levels: Array<Record<string, unknown>> }): string =>
    results.levels
      .map(
        (level) =>
          `${level.workers} workers: ${level.ackedEventsPerSecond} acknowledged events/s of ${level.offeredEventsPerSecond} offered; p50 ${level.p50Ms} ms, p99 ${level.p99Ms} ms, max ${level.maxMs} ms; ${level.errors} errors; server CPU ${level.serverCpuPercent} %, RSS ${level.serverPeakRssMiB} MiB; ${level.missingAcknowledged} acknowledged events missing`,
      )
      .join('\n');
  const sections: Array<[string, string, (results: never) => string]> = [
    ['capture', '1. Capture overhead', captureSection],
    ['ingestion', '2. Ingestion', ingestionSection],
    ['queries', '3. Queries', querySection],
    ['recovery', '4. Recovery and memory', recoverySection],
    ['concurrency', '5. Concurrent workers', concurrencySection],
    ['python', '6. Python client', pythonSection],
  ];
  for (const [key, title, render] of sections) {
    const group = report.groups[key];
    const header = groupHeader(title, group);
    if (!header) continue;
    out.push(header);
    if (group?.status === 'ok' && group.results !== undefined) {
      try {
        out.push('', render(group.results as never));
      } catch (error) {
        out.push(`(cannot render: ${(error as Error).message})`);
      }
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
}
