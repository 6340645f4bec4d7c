// Probe (temporary): serialization and body building of fresh MetricEvent lines.
import { ndjsonBody } from '../../src/client/http-sender.ts';
import { MetricEvent, metricLine } from '../../src/client/metric-event.ts';
const N = 500, R = 300;
let x = 0;
function cpu(label: string, fn: () => void) {
  for (let i = 0; i < 50; i++) fn();
  const s = process.cpuUsage();
  for (let r = 0; r < R; r++) fn();
  const u = process.cpuUsage(s);
  console.log(label.padEnd(40), ((u.user + u.system) / (R * N) * 1000).toFixed(0), 'ns/event');
}
let seq = 0;
const events = () => Array.from({ length: N }, (_, i) => new MetricEvent('e-abcd1234-', ++seq, undefined, Date.now(), '5b1f5a4e-1f0e-4a53-9b1e-7d7c0e0f4b1a', 'loss', i / N, 't-abcd1234-2', 'training', undefined, 3, undefined, undefined, undefined));
cpu('events', () => { x += events().length; });
cpu('events + metricLine', () => { for (const e of events()) x += metricLine(e)!.length; });
cpu('events + metricLine + ndjsonBody', () => { x += ndjsonBody(events().map((e) => metricLine(e)!)).length; });
cpu('events + metricLine + join', () => { x += events().map((e) => metricLine(e)!).join('\n').length; });
cpu('events + metricLine + join + Buffer', () => { x += Buffer.from(events().map((e) => metricLine(e)!).join('\n')).length; });
console.log(x > 0);
cpu('events + metricLine + charCodeAt (flatten)', () => { for (const e of events()) x += metricLine(e)!.charCodeAt(5); });
cpu('events + metricLine + byteLength', () => { for (const e of events()) x += Buffer.byteLength(metricLine(e)!); });
const wf = '"5b1f5a4e-1f0e-4a53-9b1e-7d7c0e0f4b1a"';
const tpl = (i: number) => `{"type":"evaluation","schema":"provml/1","id":"e-abcd1234-${i}","time":"2026-12-02T06:38:13.315Z","workflowExecutionId":${wf},"measure":"loss","value":${i / 7},"taskId":"t-abcd1234-2","stage":"training","section":{"kind":"epoch","index":3}}`;
cpu('tpl', () => { for (let i = 0; i < N; i++) x += tpl(i).length; });
cpu('tpl + byteLength', () => { for (let i = 0; i < N; i++) x += Buffer.byteLength(tpl(i)); });
cpu('tpl via array join', () => { for (let i = 0; i < N; i++) x += Buffer.byteLength(['{"type":"evaluation","schema":"provml/1","id":"e-abcd1234-', String(i), '","time":"2026-12-02T06:38:13.315Z","workflowExecutionId":', wf, ',"measure":"loss","value":', String(i / 7), ',"taskId":"t-abcd1234-2","stage":"training","section":{"kind":"epoch","index":3}}'].join('')); });
cpu('String(i/7)', () => { for (let i = 0; i < N; i++) x += String(i / 7).length; });
cpu('String(i)', () => { for (let i = 0; i < N; i++) x += String(i + seq).length; });
