// Synthetic trace sources for the waves tests: a random hierarchy of signals driven by a random
// value sequence, with an independent record of what every signal held at every cycle.
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceSignal, TraceSource, TraceString } from './trace_source.ts';

export const SCOPES = ['top', 'top.core0', 'top.core0.if_stage', 'top.core0.id_stage', 'top.core1', 'top.core10', 'top.tcdm.bank00', 'top.event_unit'];

export interface SignalSpec {
  scope: number;
  width: number;
  kind: 'wire' | 'reg';
  /** Number of enum names (0 = plain signal). */
  enumCount: number;
  /** Index of an earlier signal whose slot this one aliases, or -1. */
  aliasOf: number;
}

export interface Scenario {
  signals: SignalSpec[];
  probes: number[]; // scope index per probe
  /** Per cycle: updates [signal index, raw value] and probe texts (undefined = unchanged). */
  steps: { updates: [number, number][]; probeTexts: (string | undefined)[] }[];
}

const signalSpec = fc.record({
  scope: fc.integer({ min: 0, max: SCOPES.length - 1 }),
  width: fc.oneof(fc.constantFrom(1, 2, 31, 32), fc.integer({ min: 1, max: 32 })),
  kind: fc.constantFrom<'wire' | 'reg'>('wire', 'reg'),
  enumCount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 6 })),
  aliasOf: fc.oneof({ weight: 4, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.nat() }),
});

export const probeText = fc.oneof(
  fc.constantFrom('nop', 'addi x1, x0, 5', 'lw  a0, 4(sp)', 'p.lw a1, 4(a2!)', 'a\\b', '', ' lead', 'tab\there'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

export function scenarioArb(opts: { probes: boolean; maxCycles?: number }): fc.Arbitrary<Scenario> {
  return fc
    .record({
      signals: fc.array(signalSpec, { minLength: 1, maxLength: 24 }),
      probes: opts.probes ? fc.array(fc.integer({ min: 0, max: SCOPES.length - 1 }), { maxLength: 3 }) : fc.constant<number[]>([]),
    })
    .chain(({ signals, probes }) => {
      // Enumerations only on narrow signals; aliases only of earlier plain signals (same slot and width).
      const sigs = signals.map((s, i) => {
        const width = s.enumCount > 0 ? Math.min(s.width, 3) : s.width;
        const enumCount = s.enumCount > 0 ? Math.min(s.enumCount, 2 ** width) : 0;
        return { ...s, width, enumCount, aliasOf: i > 0 && s.aliasOf >= 0 ? s.aliasOf % i : -1 };
      });
      for (const s of sigs) {
        if (s.aliasOf >= 0) {
          const root = sigs[s.aliasOf];
          s.aliasOf = root.aliasOf >= 0 ? root.aliasOf : s.aliasOf;
          s.width = sigs[s.aliasOf].width;
          s.enumCount = 0;
        }
      }
      const update = fc.tuple(fc.integer({ min: 0, max: sigs.length - 1 }), fc.integer({ min: 0, max: 0xffffffff }));
      const step = fc.record({
        updates: fc.oneof(fc.constant([] as [number, number][]), fc.array(update, { maxLength: 6 })),
        probeTexts: fc.array(fc.option(probeText, { nil: undefined, freq: 2 }), { minLength: probes.length, maxLength: probes.length }),
      });
      return fc.record({
        signals: fc.constant(sigs),
        probes: fc.constant(probes),
        steps: fc.array(step, { minLength: 1, maxLength: opts.maxCycles ?? 60 }),
      });
    });
}

export function maskOf(width: number): number {
  return width === 32 ? 0xffffffff : 2 ** width - 1;
}

export function enumNamesOf(i: number, count: number): string[] {
  // Spaces inside enum names exercise the '_' replacement.
  return Array.from({ length: count }, (_, k) => (k === 1 ? `S${i} two` : `S${i}_${k}`));
}

export interface Built {
  source: TraceSource;
  /** Drives cycle `c`'s values into the source (then the caller samples). */
  apply(c: number): void;
}

/** Builds a TraceSource for a scenario. Paths are `<scope>.s<i>` and `<scope>.p<k>`. */
export function buildSource(sc: Scenario): Built {
  const slotOf: number[] = [];
  const signals: TraceSignal[] = sc.signals.map((s, i) => {
    const slot = s.aliasOf >= 0 ? slotOf[s.aliasOf] : Math.max(-1, ...slotOf) + 1;
    slotOf.push(slot);
    return {
      path: `${SCOPES[s.scope]}.s${i}`,
      width: s.width,
      kind: s.kind,
      slot,
      ...(s.enumCount > 0 ? { enumNames: enumNamesOf(i, s.enumCount) } : {}),
    };
  });
  const values = new Uint32Array(Math.max(...slotOf) + 1);
  const texts = sc.probes.map(() => 'reset');
  const strings: TraceString[] = sc.probes.map((scope, k) => ({ path: `${SCOPES[scope]}.p${k}`, get: () => texts[k] }));
  return {
    source: { signals, strings, values },
    apply(c: number): void {
      const st = sc.steps[c];
      for (const [i, raw] of st.updates) values[signals[i].slot] = (raw & maskOf(signals[i].width)) >>> 0;
      st.probeTexts.forEach((t, k) => {
        if (t !== undefined) texts[k] = t;
      });
    },
  };
}

/** What GTKWave should display for a probe text, defined independently of the writer: one
 *  whitespace-free printable-ASCII token (whitespace/controls -> '_', non-ASCII -> '?'). */
export function expectedDisplay(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c <= 32 || c === 127 ? '_' : c > 126 ? '?' : text[i];
  }
  return out;
}

export function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'pulpsim-waves-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withTempDirAsync<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'pulpsim-waves-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
