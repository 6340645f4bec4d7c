/**
 * One training step for the TypeScript capture benches: a dense `size`×`size` matrix product (it stands in for
 * forward + backward on a small model), returning a loss-like number so the work cannot be optimized away.
 */
export function makeMatrixStep(size: number): () => number {
  const a = new Float64Array(size * size).map((_, i) => (i % 7) / 7);
  const b = new Float64Array(size * size).map((_, i) => (i % 5) / 5);
  const c = new Float64Array(size * size);
  return () => {
    for (let i = 0; i < size; i++)
      for (let j = 0; j < size; j++) {
        let sum = 0;
        for (let k = 0; k < size; k++) sum += (a[i * size + k] as number) * (b[k * size + j] as number);
        c[i * size + j] = sum;
      }
    return (c[0] as number) / (1 + (c[size + 1] as number));
  };
}
