import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';

// Starts a throw-away Virtuoso (Debian's virtuoso-opensource) on 127.0.0.1 for the backend tests:
// its own database directory and virtuoso.ini, free ports, SPARQL Update granted to the anonymous
// SPARQL user, stopped (SIGTERM, then SIGKILL) by stop().

const BINARY = process.env.VIRTUOSO_BIN ?? '/usr/bin/virtuoso-t';
const ISQL = process.env.VIRTUOSO_ISQL ?? '/usr/bin/isql-vt';
const START_TIMEOUT_MS = 90_000;
const KEPT_LOGS = resolve(import.meta.dirname, '../../.tmp/virtuoso-died');

export interface VirtuosoServer {
  readonly dir: string;
  readonly sparqlUrl: string;
  readonly sparqlAuthUrl: string;
  readonly graphStoreUrl: string;
  readonly pid: number | undefined;
  /** Sends a signal to the server process (SIGSTOP / SIGCONT to freeze it, SIGKILL to crash it). */
  signal(signal: NodeJS.Signals): void;
  /** Starts the server again on the same database directory and ports (after stop() or a SIGKILL). */
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** Runs SQL statements through isql as dba (e.g. the bulk loader); resolves to isql's output. */
  isql(sql: string): Promise<string>;
}

export interface VirtuosoOptions {
  /** [Parameters] NumberOfBuffers / MaxDirtyBuffers, in 8 KiB pages (default 20,000 / 15,000: about 160 MB). */
  numberOfBuffers?: number;
  maxDirtyBuffers?: number;
  /** More directories the server may read files from (DirsAllowed; the bulk loader's ld_dir needs its own). */
  dirsAllowed?: string[];
}

export function requireVirtuoso(): void {
  if (!existsSync(BINARY) || !existsSync(ISQL)) {
    throw new Error(
      `Virtuoso is not installed (${BINARY} / ${ISQL} missing). The Virtuoso backend tests need it: run .ci/run, ` +
        'or `sudo apt-get install -y virtuoso-opensource` (Debian/Ubuntu), or set VIRTUOSO_BIN and VIRTUOSO_ISQL.',
    );
  }
}

export async function startVirtuoso(options: VirtuosoOptions = {}): Promise<VirtuosoServer> {
  requireVirtuoso();
  const dir = await mkdtemp(join(tmpdir(), 'provml-virtuoso-'));
  const [httpPort, sqlPort] = [await freePort(), await freePort()];
  writeFileSync(join(dir, 'virtuoso.ini'), ini(dir, httpPort, sqlPort, options));
  let child: ChildProcess | undefined;
  const base = `http://127.0.0.1:${httpPort}`;

  /** How the server ended when nothing here stopped it (a crash, an outside kill): kept to be said at stop(). */
  let died: string | undefined;
  /** A process a test signalled itself (to kill it, to pause it): its exit is not a death to report. */
  let signalled: ChildProcess | undefined;
  const launch = async (): Promise<void> => {
    rmSync(join(dir, 'virtuoso.lck'), { force: true });
    const log = openSync(join(dir, 'stdout.log'), 'a');
    const proc = spawn(BINARY, ['+foreground', '+configfile', join(dir, 'virtuoso.ini')], {
      cwd: dir,
      stdio: ['ignore', log, log],
    });
    child = proc;
    proc.once('exit', (code, signal) => {
      if (child === proc && signalled !== proc)
        died = `exited on its own at ${new Date().toISOString()} (${signal ?? `code ${code}`})`;
    });
    await waitUntilUp(`${base}/sparql`, proc, dir);
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGCONT');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  await isql(sqlPort, 'GRANT SPARQL_UPDATE TO "SPARQL"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET (\'nobody\', 7);');
  return {
    dir,
    sparqlUrl: `${base}/sparql`,
    sparqlAuthUrl: `${base}/sparql-auth`,
    graphStoreUrl: `${base}/sparql-graph-crud`,
    get pid() {
      return child?.pid;
    },
    signal(signal) {
      signalled = child;
      child?.kill(signal);
    },
    async restart() {
      await stop();
      await launch();
    },
    async stop() {
      await stop();
      if (died) keepLogs(dir, httpPort, died);
      rmSync(dir, { recursive: true, force: true });
    },
    isql: (sql) => isql(sqlPort, sql),
  };
}

function ini(dir: string, httpPort: number, sqlPort: number, options: VirtuosoOptions): string {
  return `[Database]
DatabaseFile = ${dir}/virtuoso.db
ErrorLogFile = ${dir}/virtuoso.log
LockFile = ${dir}/virtuoso.lck
TransactionFile = ${dir}/virtuoso.trx
xa_persistent_file = ${dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = ${dir}/virtuoso-temp.db
TransactionFile = ${dir}/virtuoso-temp.trx
Striping = 0
[Parameters]
ServerPort = 127.0.0.1:${sqlPort}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ${['.', dir, ...(options.dirsAllowed ?? [])].join(', ')}
NumberOfBuffers = ${options.numberOfBuffers ?? 20000}
MaxDirtyBuffers = ${options.maxDirtyBuffers ?? 15000}
ThreadsPerQuery = 2
[HTTPServer]
ServerPort = 127.0.0.1:${httpPort}
ServerRoot = /var/lib/virtuoso-opensource-7/vsp
ServerThreads = 20
MaxClientConnections = 20
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 0
MaxQueryCostEstimationTime = 0
`;
}

async function waitUntilUp(url: string, proc: ChildProcess, dir: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new Error(
        `virtuoso-t exited (${proc.exitCode ?? proc.signalCode}) during start-up:\n${tail(join(dir, 'stdout.log'))}`,
      );
    }
    try {
      const response = await fetch(`${url}?query=${encodeURIComponent('ASK {}')}`, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  proc.kill('SIGKILL');
  throw new Error(
    `Virtuoso did not answer ${url} within ${START_TIMEOUT_MS} ms:\n${tail(join(dir, 'stdout.log'))}`,
  );
}

async function isql(port: number, sql: string): Promise<string> {
  const { stdout } = await promisify(execFile)(ISQL, [`127.0.0.1:${port}`, 'dba', 'dba', `exec=${sql}`], {
    maxBuffer: 64 << 20,
  });
  if (/\*\*\* Error/.test(stdout)) throw new Error(`isql failed: ${stdout}`);
  return stdout;
}

function tail(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').slice(-20).join('\n') : '(no log)';
}

/**
 * A server that died under a test run takes its cause with it when its directory is removed: its logs are copied
 * to .tmp/virtuoso-died/ and their ends said, so that the failures it caused (ECONNREFUSED in later files) can be
 * told from provml's own.
 */
function keepLogs(dir: string, httpPort: number, died: string): void {
  const kept = join(KEPT_LOGS, `${basename(dir)}-port-${httpPort}`);
  mkdirSync(kept, { recursive: true });
  for (const name of ['virtuoso.log', 'stdout.log'])
    if (existsSync(join(dir, name))) copyFileSync(join(dir, name), join(kept, name));
  console.error(
    `Virtuoso on 127.0.0.1:${httpPort} ${died}; its logs are in ${kept}. virtuoso.log ends:\n${tail(join(dir, 'virtuoso.log'))}`,
  );
}

/** Ports handed out by this process: two servers started at once must not be given the same one. */
const handedOut = new Set<number>();

async function freePort(): Promise<number> {
  for (;;) {
    const port = await anyFreePort();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}

function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
