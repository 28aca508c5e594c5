// freshCopy (specialize.ts): a copy of a module class is a new class built from its own evaluation of the source
// files, whose instances are ordinary designs of this engine. Expected values come from an LFSR model written here
// (taps as a mask and a parity count, not the fixture's shifts).
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Module, Simulator, type BackendKind } from './index.ts';
import { copyStats, freshCopy } from './specialize.ts';
import { CopyTop, NotAModule } from './fixtures/copy_top.ts';

const TOP_URL = new URL('./fixtures/copy_top.ts', import.meta.url).href;
const HOLD = 0;
const STEP = 1;
const POISON = 2;

/** x^16 + x^14 + x^13 + x^11 + 1 as a right-shifting Fibonacci register: feedback = parity of bits 0, 2, 3, 5. */
function modelStep(s: number): number {
  let parity = 0;
  for (let m = s & 0b101101; m !== 0; m &= m - 1) parity ^= 1;
  return (s >>> 1) + parity * 0x8000;
}

/** `out` every cycle for a mode sequence: LFSR low byte plus the byte logged the cycle before. */
function model(modes: readonly number[]): number[] {
  let s = 0xace1;
  let prevByte = 0;
  const out: number[] = [];
  for (const m of modes) {
    out.push((s & 0xff) + prevByte);
    prevByte = s & 0xff;
    if (m === STEP) s = modelStep(s);
  }
  return out;
}

function run(top: CopyTop, backend: BackendKind, modes: readonly number[]): number[] {
  const sim = new Simulator(top, { backend });
  const out: number[] = [];
  for (const m of modes) {
    sim.poke(top.mode, m);
    out.push(sim.peek(top.out));
    sim.step();
  }
  return out;
}

describe('freshCopy', () => {
  const saved = process.env.PULPSIM_COPIES;
  afterEach(() => {
    if (saved === undefined) delete process.env.PULPSIM_COPIES;
    else process.env.PULPSIM_COPIES = saved;
  });

  it('copies are new classes (also their child blocks) extending this engine\'s Module', () => {
    const A = freshCopy(CopyTop, TOP_URL);
    const B = freshCopy(CopyTop, TOP_URL);
    expect(A).not.toBe(CopyTop);
    expect(B).not.toBe(A);
    const a = new A();
    const b = new B();
    const o = new CopyTop();
    expect(a).toBeInstanceOf(Module);
    expect(a.lfsr).toBeInstanceOf(Module);
    expect(a.lfsr.constructor).not.toBe(o.lfsr.constructor);
    expect(a.lfsr.constructor).not.toBe(b.lfsr.constructor);
    expect(a).not.toBeInstanceOf(CopyTop);
  });

  it('a copy computes the model on both back-ends, cycle by cycle, like the shared class', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(HOLD, STEP), { minLength: 1, maxLength: 80 }), (modes) => {
        const want = model(modes);
        expect(run(new (freshCopy(CopyTop, TOP_URL))(), 'codegen', modes)).toEqual(want);
        expect(run(new (freshCopy(CopyTop, TOP_URL))(), 'interp', modes)).toEqual(want);
        expect(run(new CopyTop(), 'codegen', modes)).toEqual(want);
      }),
      { numRuns: 15 },
    );
  });

  it('a copy elaborates to the same hierarchy and schedule (waves see the same names)', () => {
    const copy = new Simulator(new (freshCopy(CopyTop, TOP_URL))());
    const orig = new Simulator(new CopyTop());
    const names = (s: Simulator): string[] => s.traceSource().signals.map((t) => `${t.path}/${t.width}/${t.kind}`);
    expect(names(copy)).toEqual(names(orig));
    expect(names(copy)).toContain('top.lfsr.state/16/reg');
    expect(copy.schedule()).toEqual(orig.schedule());
  });

  it('an error thrown in copied code names the file it was written in', () => {
    const top = new (freshCopy(CopyTop, TOP_URL))();
    const sim = new Simulator(top);
    sim.poke(top.mode, POISON);
    let err: Error | null = null;
    try {
      sim.step();
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toBe('copy fixture: poisoned mode');
    expect(err?.stack).toMatch(/sim\/fixtures\/copy_lfsr\.ts/);
  });

  it('bundles a class once per process and evaluates it once per copy', () => {
    const before = copyStats();
    freshCopy(CopyTop, TOP_URL);
    freshCopy(CopyTop, TOP_URL);
    const after = copyStats();
    expect(after.copies - before.copies).toBe(2);
    expect(after.classes).toBe(before.classes === 0 ? 1 : before.classes);
  });

  it('PULPSIM_COPIES=0 returns the class itself', () => {
    process.env.PULPSIM_COPIES = '0';
    expect(freshCopy(CopyTop, TOP_URL)).toBe(CopyTop);
  });

  it('refuses what it cannot copy, naming it', () => {
    expect(() => freshCopy(NotAModule as unknown as typeof CopyTop, TOP_URL)).toThrow(/'NotAModule' is not a Module subclass/);
    class Local extends CopyTop {}
    expect(() => freshCopy(Local, TOP_URL)).toThrow(/'.*sim\/fixtures\/copy_top\.ts' does not export a Module subclass named 'Local'/);
    expect(() => freshCopy(CopyTop, 'fixtures/copy_top.ts')).toThrow(/file URL \(import.meta.url\) or an absolute path, got 'fixtures\/copy_top.ts'/);
  });
});
