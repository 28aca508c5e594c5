// `--shard i/n`: the i-th of n disjoint parts of a sweep (1-based, as vitest and CI matrices count), runs dealt
// round robin so that every shard gets a similar mix of jobs and variations.

export interface Shard {
  /** 1..count */
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new Error(`--shard '${text}': expected i/n with 1 <= i <= n, e.g. 1/4`);
  return { index, count };
}

/** Whether run `runIndex` belongs to the shard. */
export function inShard(runIndex: number, s: Shard): boolean {
  return runIndex % s.count === s.index - 1;
}
