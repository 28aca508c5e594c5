// Round trips: drive a synthetic TraceSource with random values, dump it, read the dump back with
// an independent parser and compare every signal at every sampled cycle with what the source held.
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSource, expectedDisplay, scenarioArb, withTempDir, withTempDirAsync, type Scenario } from './testkit.ts';
import { openVcd } from './vcd.ts';
import { parseVcd, valueAt } from './vcd_reader.ts';

// vcd-stream's WebAssembly parser through deep imports (its package entry needs a native addon):
// fact sheet hdl-dsl-anchors §5.1. Chunks must stay <= 128 KiB; we feed 64 KiB.
interface WasmWire {
  kind: 'scope' | 'var';
  type: string;
  name: string;
  size?: number;
  link?: string;
  body?: WasmWire[];
}
interface WasmParser {
  write(chunk: Uint8Array): boolean;
  end(): void;
  on(event: 'finish', fn: () => void): void;
  info: { wires: WasmWire };
  change: { any(fn: (id: string, time: bigint | number, cmd: number, value?: bigint, mask?: bigint) => void): void };
}
const require = createRequire(import.meta.url);
const createVCD = require('vcd-stream/out/vcd.js') as () => Promise<unknown>;
const webVcdParser = require('vcd-stream/lib/web-vcd-parser.js') as (mod: unknown) => Promise<WasmParser>;
let wasmModule: Promise<unknown> | undefined;

interface ParsedByWasm {
  vars: Map<string, { type: string; size: number; link: string }>;
  changes: Map<string, { time: number; value: number }[]>;
}

async function parseWithWasm(bytes: Uint8Array): Promise<ParsedByWasm> {
  wasmModule ??= createVCD();
  const p = await webVcdParser(await wasmModule);
  const changes = new Map<string, { time: number; value: number }[]>();
  p.change.any((id, time, cmd, value) => {
    // Command codes from vcd-stream's grammar table: 14/15 scalar 0/1, 30/31 'b'/'B' vectors.
    let v: number;
    if (cmd === 14 || cmd === 15) v = cmd - 14;
    else if ((cmd === 30 || cmd === 31) && value !== undefined) v = Number(value);
    else throw new Error(`unexpected value command ${cmd} for '${id}'`);
    let list = changes.get(id);
    if (list === undefined) changes.set(id, (list = []));
    list.push({ time: Number(time), value: v });
  });
  const done = new Promise<void>((res) => p.on('finish', res));
  for (let off = 0; off < bytes.length; off += 64 * 1024) p.write(bytes.subarray(off, Math.min(bytes.length, off + 64 * 1024)));
  p.end();
  await done;
  const vars = new Map<string, { type: string; size: number; link: string }>();
  const walk = (w: WasmWire, prefix: string[]): void => {
    for (const b of w.body ?? []) {
      if (b.kind === 'scope') walk(b, [...prefix, b.name]);
      else vars.set([...prefix, b.name].join('.'), { type: b.type, size: b.size!, link: b.link! });
    }
  };
  walk(p.info.wires, []);
  return { vars, changes };
}

function lastAtOrBefore<T extends { time: number }>(list: readonly T[] | undefined, time: number): T | undefined {
  let found: T | undefined;
  for (const e of list ?? []) if (e.time <= time) found = e;
  return found;
}

/** Runs a scenario through the writer, returning the file bytes and each cycle's expected values. */
function runScenario(dir: string, sc: Scenario, opts: Parameters<typeof openVcd>[2]) {
  const built = buildSource(sc);
  const path = join(dir, 'run.vcd');
  const w = openVcd(path, built.source, opts);
  const held: { values: number[]; texts: string[] }[] = [];
  for (let c = 0; c < sc.steps.length; c++) {
    built.apply(c);
    w.sample(c);
    held.push({
      values: built.source.signals.map((s) => built.source.values[s.slot]),
      texts: (built.source.strings ?? []).map((p) => p.get()),
    });
  }
  w.close();
  return { bytes: readFileSync(path), held, source: built.source };
}

describe('VCD round trip', () => {
  it('vcd-stream (WASM) reads back every signal at every cycle (strings off)', async () => {
    await fc.assert(
      fc.asyncProperty(scenarioArb({ probes: true }), fc.integer({ min: 1, max: 1000 }), async (sc, period) =>
        withTempDirAsync(async (dir) => {
          const { bytes, held, source } = runScenario(dir, sc, { strings: false, period });
          const parsed = await parseWithWasm(bytes);
          // Strict VCD: every signal as wire/reg of its own width, probes left out.
          expect([...parsed.vars.keys()].sort()).toEqual(source.signals.map((s) => s.path).sort());
          source.signals.forEach((s, i) => {
            const v = parsed.vars.get(s.path)!;
            expect(v.size).toBe(s.width);
            expect(v.type).toBe(s.kind);
            for (let c = 0; c < held.length; c++) {
              expect(lastAtOrBefore(parsed.changes.get(v.link), c * period)?.value, `${s.path} at cycle ${c}`).toBe(held[c].values[i]);
            }
          });
        }),
      ),
      { numRuns: 60 },
    );
  });

  it('vcd-stream (WASM) reads back a multi-megabyte dump fed in 64 KiB chunks', async () => {
    // A deterministic long scenario: chunk boundaries fall inside lines many times.
    let x = 12345;
    const next = (): number => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
    const signals = Array.from({ length: 30 }, (_, i) => ({ scope: i % 8, width: 1 + (i * 7) % 32, kind: 'wire' as const, enumCount: 0, aliasOf: -1 }));
    const steps = Array.from({ length: 20000 }, () => ({
      updates: Array.from({ length: 8 }, (): [number, number] => [next() % 30, next()]),
      probeTexts: [],
    }));
    await withTempDirAsync(async (dir) => {
      const { bytes, held, source } = runScenario(dir, { signals, probes: [], steps }, { strings: false, period: 2 });
      expect(bytes.length).toBeGreaterThan(1 << 20);
      const parsed = await parseWithWasm(bytes);
      source.signals.forEach((s, i) => {
        const list = parsed.changes.get(parsed.vars.get(s.path)!.link)!;
        let k = 0;
        for (let c = 0; c < held.length; c++) {
          while (k + 1 < list.length && list[k + 1].time <= c * 2) k++;
          if (list[k].value !== held[c].values[i]) expect(list[k].value, `${s.path} at cycle ${c}`).toBe(held[c].values[i]);
        }
      });
    });
  });

  it('our reader reads back enums as names and probes as text (strings on, random window)', () => {
    fc.assert(
      fc.property(scenarioArb({ probes: true }), fc.nat(30), fc.nat(40), (sc, from, len) =>
        withTempDir((dir) => {
          const to = from + len;
          const { bytes, held, source } = runScenario(dir, sc, { from, to, period: 10 });
          const doc = parseVcd(new TextDecoder().decode(bytes));
          const byPath = new Map(doc.vars.map((v) => [v.path, v]));
          const probes = source.strings ?? [];
          expect(doc.vars.length).toBe(source.signals.length + probes.length);
          const last = Math.min(to, held.length - 1);
          // Nothing before the window.
          for (const t of doc.times) expect(t).toBeGreaterThanOrEqual(from * 10);
          source.signals.forEach((s, i) => {
            const v = byPath.get(s.path)!;
            expect(v.type).toBe(s.enumNames ? 'string' : s.kind);
            expect(v.size).toBe(s.enumNames ? 1 : s.width);
            for (let c = from; c <= last; c++) {
              const raw = held[c].values[i];
              const want = s.enumNames ? expectedDisplay(raw < s.enumNames.length ? s.enumNames[raw] : `?${raw}`) : raw;
              expect(valueAt(doc, v.id, c * 10), `${s.path} at cycle ${c}`).toBe(want);
            }
            // Nothing after the window: the last change is at or before it.
            const list = doc.changes.get(v.id)!;
            if (list.length > 0) expect(list[list.length - 1].time).toBeLessThanOrEqual(last * 10);
          });
          probes.forEach((p, k) => {
            const v = byPath.get(p.path)!;
            expect(v.type).toBe('string');
            for (let c = from; c <= last; c++) {
              expect(valueAt(doc, v.id, c * 10), `${p.path} at cycle ${c}`).toBe(expectedDisplay(held[c].texts[k]));
            }
          });
        }),
      ),
      { numRuns: 150 },
    );
  });
});
