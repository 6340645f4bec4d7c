// The part of @bergos/jsonparse (a streaming JSON tokenizer, no types of its own) that sparql-json-stream.ts uses.
declare module '@bergos/jsonparse' {
  interface Frame {
    value: unknown;
    key: string | number | undefined;
  }
  class Parser {
    /** The frames above the value being built; `stack.length` is its depth (0: the document itself). */
    stack: Frame[];
    /** The container holding the value just completed, and its key there. */
    value: Record<string | number, unknown>;
    key: string | number | undefined;
    write(bytes: Uint8Array | string): void;
    onValue(this: Parser, value: unknown): void;
    onError(error: Error): void;
  }
  export default Parser;
}
