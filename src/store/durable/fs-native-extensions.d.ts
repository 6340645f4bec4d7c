// The part of fs-native-extensions (prebuilt N-API, no install script) that the data-directory lock uses.
declare module 'fs-native-extensions' {
  /** Takes an exclusive lock on the open file without waiting; false when another holder has it. */
  export function tryLock(fd: number, options?: { shared?: boolean }): boolean;
  export function unlock(fd: number): void;
}
