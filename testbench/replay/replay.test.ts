// The generic replay: change-list parsing, shape validation (each refusal names the field), and the per-cycle
// compare loop, on a small hand-described block whose answers are computed by hand below.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Module } from '../../sim/index.ts';
import type { ReplayAdapter } from './adapter.ts';
import { replayScenario } from './replay.ts';
import { ScenarioError, denseFromBits, denseFromChanges, loadJson, parseChangeListScenario } from './scenario.ts';

/** Two ports: q[p] = a[p] + 1 registered (reset 0); wide = {a[1], a[0]} as a 64-bit value, combinational. */
class Toy extends Module {
  a = [this.input(8), this.input(8)];
  q = [this.output(8), this.output(8)];
  wide = [this.output(32), this.output(32)];
  r = [this.reg(8), this.reg(8)];
  constructor() {
    super();
    this.comb('outs', () => {
      this.q[0]!.v = this.r[0]!.v;
      this.q[1]!.v = this.r[1]!.v;
      this.wide[0]!.v = this.a[0]!.v;
      this.wide[1]!.v = this.a[1]!.v;
    });
    this.seq('regs', () => {
      this.r[0]!.next = (this.a[0]!.v + 1) & 0xff;
      this.r[1]!.next = (this.a[1]!.v + 1) & 0xff;
    });
  }
}

const toyAdapter: ReplayAdapter = {
  name: 'toy',
  summary: 'test block',
  parse: parseChangeListScenario,
  bind() {
    const top = new Toy();
    return { top, inputs: { a: top.a }, outputs: { q: top.q, wide: [top.wide] } };
  },
};

// a[0]: 5 from cycle 0, 9 from cycle 2; a[1]: 0x10 throughout. q lags a by one cycle (+1), 0 in cycle 0.
const good = () => ({
  name: 'toy1',
  cycles: 4,
  stimulus: { a: [[[0, 5], [2, 9]], [[0, 0x10]]] },
  expected: {
    q: [[[0, 0], [1, 6], [3, 10]], [[0, 0], [1, 0x11]]],
    wide: [[0, '0000001000000005'], [2, '0000001000000009']],
  },
});

const FILE = 'toy.json';
const run = (json: unknown, backend: 'interp' | 'codegen' = 'codegen') =>
  replayScenario(toyAdapter, parseChangeListScenario(json, FILE), { backend });

describe('change lists', () => {
  it('expand to dense per-cycle values and hex strings to 32-bit words (low word first)', () => {
    expect([...denseFromChanges([[0, 1], [2, 7]], 4, 'x', FILE)]).toEqual([1, 1, 7, 7]);
    expect([...denseFromChanges([[0, 'abcdef0123456789']], 1, 'x', FILE)]).toEqual([0x23456789, 0xabcdef01]);
    expect([...denseFromChanges([[0, '1f']], 2, 'x', FILE)]).toEqual([0x1f, 0x1f]);
    expect([...denseFromBits('0110', 4, 'g', FILE)]).toEqual([0, 1, 1, 0]);
  });

  it('refuse cycles out of order, a late first entry, a cycle past the end, bad values', () => {
    expect(() => denseFromChanges([[0, 1], [3, 2], [2, 3]], 5, 'stimulus.a[0]', FILE)).toThrow(/stimulus\.a\[0\]\[2\]: cycle 2 out of order \(after cycle 3\)/);
    expect(() => denseFromChanges([[1, 1]], 5, 'x', FILE)).toThrow(/first change must be at cycle 0/);
    expect(() => denseFromChanges([[0, 1], [5, 1]], 5, 'x', FILE)).toThrow(/cycle 5 is past the end of the run \(5 cycles\)/);
    expect(() => denseFromChanges([[0, -1]], 5, 'x', FILE)).toThrow(/not an unsigned 32-bit integer/);
    expect(() => denseFromChanges([[0, 'xyz']], 5, 'x', FILE)).toThrow(/neither an unsigned integer nor a hex string/);
    expect(() => denseFromBits('012', 3, 'expected.gnt[4]', FILE)).toThrow(/expected\.gnt\[4\]: character 2 is '2'/);
    expect(() => denseFromBits('01', 3, 'g', FILE)).toThrow(/has 2 characters, the run has 3 cycles/);
  });

  it('a JSON syntax error names the line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'replay-'));
    const f = join(dir, 'bad.json');
    writeFileSync(f, '{\n  "cycles": 3,\n  "x": [1, 2,, 3]\n}\n');
    expect(() => loadJson(f)).toThrow(new RegExp(`${f.replace(/[.\\]/g, '\\$&')}:3:\\d+: invalid JSON`));
  });
});

describe.each(['interp', 'codegen'] as const)('replay (%s)', (backend) => {
  it('matches a correct scenario: every port of every signal in every cycle is checked', () => {
    const r = run(good(), backend);
    expect(r.mismatches).toBe(0);
    expect(r.first).toBeNull();
    expect(r.cycles).toBe(4);
    expect(r.checked).toBe(4 * (2 + 1)); // q has 2 ports, wide 1, over 4 cycles
  });

  it('reports the first mismatch with cycle, signal, port, expected and got', () => {
    const s = good();
    s.expected.q[1] = [[0, 0], [1, 0x11], [2, 0x12]]; // wrong from cycle 2 on (the model keeps 0x11)
    const r = run(s, backend);
    expect(r.mismatches).toBe(2);
    expect(r.first).toEqual({ cycle: 2, signal: 'q', port: 1, expected: 0x12, got: 0x11 });
    expect(r.bySignal).toEqual({ q: 2 });
  });

  it('reports wide mismatches as hex strings', () => {
    const s = good();
    s.expected.wide = [[0, '0000001100000005']];
    const r = run(s, backend);
    expect(r.first).toEqual({ cycle: 0, signal: 'wide', port: 0, expected: '0000001100000005', got: '0000001000000005' });
  });
});

describe('shape validation', () => {
  const refuse = (mut: (s: ReturnType<typeof good> & Record<string, unknown>) => void, re: RegExp): void => {
    const s = good() as ReturnType<typeof good> & Record<string, unknown>;
    mut(s);
    let err: unknown = null;
    try {
      run(s);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as Error).message).toMatch(re);
  };

  it('refuses a missing stimulus signal, naming it', () => {
    refuse((s) => delete (s.stimulus as Record<string, unknown>).a, /toy\.json: stimulus\.a: missing \(the module needs it\)/);
  });
  it('refuses a missing expected signal, naming it', () => {
    refuse((s) => delete (s.expected as Record<string, unknown>).wide, /expected\.wide: missing/);
  });
  it('refuses a port the module lacks', () => {
    refuse((s) => ((s.stimulus as Record<string, unknown>).b = [[[0, 1]], [[0, 1]]]), /stimulus\.b: the module has no such input/);
    refuse((s) => ((s.expected as Record<string, unknown>).z = [[0, 1]]), /expected\.z: the module has no such output/);
  });
  it('refuses a port count that differs from the module', () => {
    refuse((s) => s.stimulus.a.push([[0, 1]]), /stimulus\.a: the file has 3 port\(s\), the module has 2/);
  });
  it('refuses cycles out of order, naming the entry', () => {
    refuse((s) => (s.expected.q[0] = [[0, 0], [3, 1], [1, 6]]), /expected\.q\[0\]\[2\]: cycle 1 out of order/);
  });
  it('refuses a missing cycle count and a stimulus value too wide for the port', () => {
    refuse((s) => delete (s as Record<string, unknown>).cycles, /toy\.json: cycles: missing/);
    refuse((s) => (s.stimulus.a[0] = [[0, 0x100]]), /stimulus\.a\[0\] at cycle 0: value 0x100 does not fit in 8 bit/);
  });
});
