// Cycle by cycle against the RTL: every trace of the timing fixtures must match the model on the ports, IF/ID,
// the register-file write ports and the controller state, from cycle 0 to the end of the program.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { preset, type CoreVersion } from '../../rtl/config/index.ts';
import { Testbench } from '../system/testbench.ts';
import { compareTrace, describeDivergence, readTrace } from './trace.ts';
import { timingVectors } from './vectors.ts';

const CORES: CoreVersion[] = ['ri5cy', 'cv32e40p']; // ri5cy_v1 has no traces

describe.each(CORES)('RTL traces %s', (core) => {
  const traced = timingVectors(core).filter((v) => v.trace !== undefined);
  it.each(traced.map((v) => [v.name, v] as const))('%s matches every cycle', (_n, v) => {
    const cfg = preset(core);
    cfg.imem = v.imem;
    cfg.dmem = v.dmem;
    const tb = new Testbench(cfg, readFileSync(v.elf));
    const t = readTrace(v.trace!);
    const d = compareTrace(tb, t.rows, t.columns);
    expect(d === null ? 'match' : describeDivergence(d)).toBe('match');
  });

  it('reports the first divergent cycle when the model is given other memory timing', () => {
    const v = traced.find((x) => x.name === 'load_use')!;
    const cfg = preset(core);
    cfg.dmem = { grantDelay: 1, responseDelay: 1 };
    const tb = new Testbench(cfg, readFileSync(v.elf));
    const t = readTrace(v.trace!);
    const d = compareTrace(tb, t.rows, t.columns);
    expect(d).not.toBeNull();
    expect(d!.column).toBe('data_gnt');
    expect(describeDivergence(d!)).toMatch(/first divergence in cycle \d+, column data_gnt: RTL 1, model 0/);
  });
});
