/** An HTTP/1.1 answer's status line and the headers the client acts on. */
export interface ParsedHead {
  status: number;
  version: string;
  /** Lower-cased `Connection` header, or ''. */
  connection: string;
}

export interface ParsedResponse {
  head: ParsedHead;
  body: string;
  /** Bytes left after the answer (a well-behaved server sends none before the next request). */
  rest: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LINE_END = Buffer.from('\r\n');
/** An answer's head larger than this is not an events endpoint's. */
const MAX_HEAD_BYTES = 64 * 1024;

/**
 * Parses one complete answer from `bytes`, or returns undefined while more bytes are needed. Skips 1xx interim
 * answers; reads a Content-Length or chunked body, or, with neither, everything up to the end of the connection
 * (`ended`: the server has closed it). Throws on what is not HTTP/1.x.
 */
export function parseResponse(bytes: Buffer, ended = false): ParsedResponse | undefined {
  let offset = 0;
  for (;;) {
    const end = bytes.indexOf(HEAD_END, offset);
    if (end < 0) {
      if (bytes.length - offset > MAX_HEAD_BYTES) throw new Error('the answer head is too large');
      return undefined;
    }
    const { head, length, chunked, delimited } = parseHead(bytes.toString('latin1', offset, end));
    const bodyStart = end + HEAD_END.length;
    if (head.status < 200) {
      offset = bodyStart;
      continue;
    }
    if (head.status === 204 || head.status === 304) return { head, body: '', rest: bytes.length - bodyStart };
    if (chunked) {
      const chunks = readChunked(bytes, bodyStart);
      if (!chunks) return undefined;
      return { head, body: Buffer.concat(chunks.parts).toString('utf8'), rest: bytes.length - chunks.end };
    }
    if (!delimited) {
      if (!ended) return undefined;
      return { head: { ...head, connection: 'close' }, body: bytes.toString('utf8', bodyStart), rest: 0 };
    }
    if (bytes.length < bodyStart + length) return undefined;
    return {
      head,
      body: bytes.toString('utf8', bodyStart, bodyStart + length),
      rest: bytes.length - bodyStart - length,
    };
  }
}

function parseHead(text: string): { head: ParsedHead; length: number; chunked: boolean; delimited: boolean } {
  const lines = text.split('\r\n');
  const match = /^HTTP\/(1\.[01]) (\d{3})(?: .*)?$/.exec(lines[0] ?? '');
  if (!match) throw new Error(`not an HTTP/1.x answer: ${JSON.stringify((lines[0] ?? '').slice(0, 80))}`);
  let length = 0;
  let hasLength = false;
  let chunked = false;
  let connection = '';
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`a malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'content-length') {
      if (!/^\d+$/.test(value)) throw new Error(`a malformed Content-Length: ${JSON.stringify(value)}`);
      length = Number(value);
      hasLength = true;
    } else if (name === 'transfer-encoding')
      chunked = value.toLowerCase().split(',').pop()?.trim() === 'chunked';
    else if (name === 'connection') connection = value.toLowerCase();
  }
  return {
    head: { status: Number(match[2]), version: match[1] as string, connection },
    length,
    chunked,
    delimited: hasLength || chunked,
  };
}

function readChunked(bytes: Buffer, start: number): { parts: Buffer[]; end: number } | undefined {
  const parts: Buffer[] = [];
  let offset = start;
  for (;;) {
    const lineEnd = bytes.indexOf(LINE_END, offset);
    if (lineEnd < 0) return undefined;
    const sizeText = bytes.toString('latin1', offset, lineEnd).split(';', 1)[0]?.trim() ?? '';
    if (!/^[0-9a-fA-F]+$/.test(sizeText))
      throw new Error(`a malformed chunk size: ${JSON.stringify(sizeText)}`);
    const size = Number.parseInt(sizeText, 16);
    offset = lineEnd + LINE_END.length;
    if (size === 0) {
      // Trailers (ignored), then an empty line.
      for (;;) {
        const trailerEnd = bytes.indexOf(LINE_END, offset);
        if (trailerEnd < 0) return undefined;
        const empty = trailerEnd === offset;
        offset = trailerEnd + LINE_END.length;
        if (empty) return { parts, end: offset };
      }
    }
    if (bytes.length < offset + size + LINE_END.length) return undefined;
    parts.push(bytes.subarray(offset, offset + size));
    offset += size + LINE_END.length;
  }
}
