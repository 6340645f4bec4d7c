// The Node.js release the server's dependencies declare they need. The capture client (src/client) imports no
// package and runs on Node >= 20 (package.json `engines`, test/package/pack.test.ts); the server pulls in undici 8
// (through Comunica's HTTP actor) and p-retry, whose `engines` ask for more. test/node-support.test.ts keeps this
// figure equal to the highest floor in package-lock.json, so a dependency raising its floor fails a test.
export const SERVER_NODE_MINIMUM = '22.19.0';

/** A version's numeric parts ("v20.20.2", "22.19" → [20, 20, 2], [22, 19, 0]). */
function versionParts(version: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = version
    .replace(/^v/, '')
    .split('.')
    .map((part) => Number.parseInt(part, 10) || 0);
  return [major, minor, patch];
}

export function compareVersions(a: string, b: string): number {
  const left = versionParts(a);
  const right = versionParts(b);
  for (let i = 0; i < 3; i++) if (left[i] !== right[i]) return (left[i] as number) - (right[i] as number);
  return 0;
}

/**
 * Why this Node.js is not one the server supports, or undefined when it is. Below the floor the server still
 * starts (Node 20 runs it), so this is said at start-up rather than refused: V8 of Node 20 was seen to abort
 * 3 server starts in 100 under load, where Node 24 aborted none.
 */
export function unsupportedNode(version: string): string | undefined {
  if (compareVersions(version, SERVER_NODE_MINIMUM) >= 0) return undefined;
  return (
    `Node.js ${version} is older than the ${SERVER_NODE_MINIMUM} that the server's dependencies require: it is not ` +
    'supported (npm start runs the Node 24 that npm ci installs into node_modules/.bin; the capture client alone runs on Node 20)'
  );
}
