// The timing vectors of testbench/fixtures/timing/<core>/expected.json: RTL-measured cycles, results, tohost
// and instret of our own programs, per memory variant (fixtures README).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreVersion, PortTiming } from '../../rtl/config/index.ts';

export const FIXTURES = 'testbench/fixtures/timing';

export interface TimingVector {
  name: string;
  core: CoreVersion;
  elf: string;
  imem: PortTiming;
  dmem: PortTiming;
  total_cycles: number;
  tohost: number;
  results: number[];
  instret: number;
  /** RTL trace of this entry, when the fixtures have one. */
  trace?: string;
}

interface RawVector {
  elf: string;
  imem: { G: number; R: number };
  dmem: { G: number; R: number };
  total_cycles: number;
  tohost: number;
  results: number[];
  instret: number;
}

export function timingVectors(core: CoreVersion): TimingVector[] {
  const dir = join(FIXTURES, core);
  const raw = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { vectors: Record<string, RawVector> };
  return Object.entries(raw.vectors).map(([name, v]) => {
    const trace = join(dir, `${name}.trace.tsv`);
    return {
      name,
      core,
      elf: join(dir, v.elf),
      imem: { grantDelay: v.imem.G, responseDelay: v.imem.R },
      dmem: { grantDelay: v.dmem.G, responseDelay: v.dmem.R },
      total_cycles: v.total_cycles,
      tohost: v.tohost,
      results: v.results,
      instret: v.instret,
      ...(existsSync(trace) ? { trace } : {}),
    };
  });
}
