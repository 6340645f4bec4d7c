// Configuration: defaults, then an optional JSON file, then environment, then CLI flags; validated once.
// (The loading/validation logic is filled in by the serve/config work; the shape below is the contract.)

export interface Config {
  port: number;
  host: string;
  /** Directory of the durable store (log, snapshots). */
  dataDir: string;
  /** Bearer token for writes; when unset, writes are accepted only from loopback clients. */
  token?: string;
  /** Queries running longer than this are answered 503 and abandoned. */
  queryTimeoutMs: number;
  /** Largest request body accepted (413 beyond). */
  maxBodyBytes: number;
  /** CORS: allowed origins ('*' for any, [] to disable). */
  corsOrigins: string[] | '*';
  /** Directory holding prov-ml.ttl, imports/, shapes.ttl, context.jsonld. */
  ontologyDir: string;
  /** Write a snapshot after this many log bytes (bounds recovery time). */
  snapshotAfterBytes: number;
  logLevel: string;
}
