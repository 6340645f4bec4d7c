import { createHash, randomBytes } from 'node:crypto';

// HTTP authentication for SPARQL engines: Basic, or Digest (RFC 7616, MD5, qop=auth), which is what
// Virtuoso's /sparql-auth and /sparql-graph-crud-auth ask for. Credentials are sent only after a 401.

export interface Credentials {
  username: string;
  password: string;
}

interface Challenge {
  scheme: 'basic' | 'digest';
  params: Record<string, string>;
  nc: number;
}

const md5 = (text: string): string => createHash('md5').update(text).digest('hex');

export class Authenticator {
  private readonly challenges = new Map<string, Challenge>();

  constructor(private readonly credentials?: Credentials) {}

  get enabled(): boolean {
    return this.credentials !== undefined;
  }

  /** Remembers the challenge of a 401 answer; false when it cannot be answered (no credentials, unknown scheme). */
  accept(url: string, header: string | null): boolean {
    if (!this.credentials || !header) return false;
    const scheme = header.trim().split(/\s+/, 1)[0]?.toLowerCase();
    if (scheme !== 'basic' && scheme !== 'digest') return false;
    this.challenges.set(new URL(url).origin + new URL(url).pathname, {
      scheme,
      params: parseParams(header),
      nc: 0,
    });
    return true;
  }

  /** The Authorization header for a request, once a challenge for that URL has been seen. */
  header(method: string, url: string): string | undefined {
    const { credentials } = this;
    const parsed = new URL(url);
    const challenge = this.challenges.get(parsed.origin + parsed.pathname);
    if (!credentials || !challenge) return undefined;
    if (challenge.scheme === 'basic') {
      return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    }
    const { realm = '', nonce = '', opaque, qop } = challenge.params;
    const uri = parsed.pathname + parsed.search;
    challenge.nc += 1;
    const nc = challenge.nc.toString(16).padStart(8, '0');
    const cnonce = randomBytes(8).toString('hex');
    const ha1 = md5(`${credentials.username}:${realm}:${credentials.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const useQop = qop
      ?.split(',')
      .map((q) => q.trim())
      .includes('auth');
    const response = useQop
      ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`)
      : md5(`${ha1}:${nonce}:${ha2}`);
    const parts = [
      `username="${credentials.username}"`,
      `realm="${realm}"`,
      `nonce="${nonce}"`,
      `uri="${uri}"`,
      `response="${response}"`,
      'algorithm=MD5',
    ];
    if (useQop) parts.push('qop=auth', `nc=${nc}`, `cnonce="${cnonce}"`);
    if (opaque) parts.push(`opaque="${opaque}"`);
    return `Digest ${parts.join(', ')}`;
  }
}

function parseParams(header: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]*))/g)) {
    const [, key, quoted, bare] = match;
    if (key) params[key.toLowerCase()] = quoted ?? bare ?? '';
  }
  return params;
}
