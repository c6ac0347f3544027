/**
 * Randomness for tests, always from a printed seed: a failing run's seed is in its output,
 * and `REMOTE_TEST_SEED=<seed> bun test <file>` plays the same choices again.
 */
export type SeededRandom = { readonly seed: number; readonly next: () => number; readonly int: (min: number, max: number) => number };

export function seededRandom(label: string): SeededRandom {
  const given = process.env.REMOTE_TEST_SEED;
  const seed = given !== undefined && /^\d+$/.test(given) ? Number(given) >>> 0 : Math.floor(Math.random() * 2 ** 32);
  console.log(`${label}: seed ${seed} (replay: REMOTE_TEST_SEED=${seed})`);
  // mulberry32: small, fast and good enough to pick fault points.
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  /** An integer in [min, max]. */
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return { seed, next, int };
}
