import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { generateLayer } from './generate.ts';
import { outputShape, readLayer, readOutput, validateLayer, writeLayer, type Layer } from './layer.ts';
import { readNpy, writeNpy } from './npy.ts';

const LAYERS = fileURLToPath(new URL('./fixtures/layers/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'golden-layer-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let counter = 0;
/** A private copy of a NumPy fixture directory to break. */
function copyOf(fixture: string): string {
  const dir = join(scratch, `case${counter++}`);
  cpSync(join(LAYERS, fixture), dir, { recursive: true });
  return dir;
}

const L8 = 'u8_u8_i8_p1_s1'; // 8-bit output: kappa, lambda, shift; x 5x7x4, w 4x3x3x4
const L4 = 'u4_u4_i4_p0_s2'; // 4-bit everything: thresholds [6][15]; x 7x9x6

interface EditableSpec {
  ifmap?: Record<string, unknown>;
  weights?: Record<string, unknown>;
  ofmap?: Record<string, unknown>;
  [key: string]: unknown;
}

function editJson(dir: string, edit: (j: EditableSpec) => void): void {
  const p = join(dir, 'layer.json');
  const j = JSON.parse(readFileSync(p, 'utf8')) as EditableSpec;
  edit(j);
  writeFileSync(p, JSON.stringify(j));
}

describe('readLayer on the NumPy fixtures', () => {
  it('reads every fixture with the spec NumPy wrote', () => {
    for (const name of readdirSync(LAYERS)) {
      const dir = join(LAYERS, name);
      const layer = readLayer(dir);
      const json = JSON.parse(readFileSync(join(dir, 'layer.json'), 'utf8'));
      expect(layer.spec).toEqual(json);
      expect(Array.from(layer.x)).toEqual(Array.from(readNpy(join(dir, 'x.npy')).data));
    }
  });

  it('reads an output file and checks it against the spec', () => {
    const dir = join(LAYERS, L4);
    const layer = readLayer(dir);
    expect(outputShape(layer.spec)).toEqual({ ho: 3, wo: 4, c: 6 }); // floor((7-3)/2)+1, floor((9-3)/2)+1
    expect(readOutput(join(dir, 'y_ref.npy'), layer.spec).length).toBe(3 * 4 * 6);
    const other = readLayer(join(LAYERS, L8));
    expect(() => readOutput(join(dir, 'y_ref.npy'), other.spec)).toThrow(/y_ref\.npy: shape: expected \[5, 7, 4\] \(outputs, HWC\), got \[3, 4, 6\]/);
  });
});

describe('readLayer validation names the file and field', () => {
  const cases: [string, string, (dir: string) => void, RegExp][] = [
    ['missing x.npy', L8, (d) => unlinkSync(join(d, 'x.npy')), /x\.npy: missing file: the activations, uint8 \[h\]\[w\]\[c\]/],
    ['missing layer.json', L8, (d) => unlinkSync(join(d, 'layer.json')), /layer\.json: missing file/],
    ['missing lambda.npy', L8, (d) => unlinkSync(join(d, 'lambda.npy')), /lambda\.npy: missing file: required for 8-bit outputs: int32 \[4\]/],
    ['missing thresholds.npy', L4, (d) => unlinkSync(join(d, 'thresholds.npy')), /thresholds\.npy: missing file: required for 4-bit outputs: int16 \[6\]\[15\]/],
    ['x of the wrong dtype', L8, (d) => writeNpy(join(d, 'x.npy'), { dtype: '<i2', shape: [5, 7, 4], data: new Int16Array(140) }), /x\.npy: dtype: expected '\|u1' \(activations, HWC\), got '<i2'/],
    ['x of the wrong shape', L8, (d) => writeNpy(join(d, 'x.npy'), { dtype: '|u1', shape: [7, 5, 4], data: new Uint8Array(140) }), /x\.npy: shape: expected \[5, 7, 4\] \(activations, HWC\), got \[7, 5, 4\]/],
    ['w in CHW-style order', L8, (d) => writeNpy(join(d, 'w.npy'), { dtype: '|i1', shape: [4, 4, 3, 3], data: new Int8Array(144) }), /w\.npy: shape: expected \[4, 3, 3, 4\] \(weights, \[cout\]\[kh\]\[kw\]\[cin\]\), got \[4, 4, 3, 3\]/],
    ['kappa as int64-like uint32', L8, (d) => writeNpy(join(d, 'kappa.npy'), { dtype: '<u4', shape: [4], data: new Uint32Array(4) }), /kappa\.npy: dtype: expected '<i4'/],
    ['thresholds as int32', L4, (d) => writeNpy(join(d, 'thresholds.npy'), { dtype: '<i4', shape: [6, 15], data: new Int32Array(90) }), /thresholds\.npy: dtype: expected '<i2' \(15 thresholds per output channel\), got '<i4'/],
    ['thresholds with 16 per channel (the kernels\' padded stride)', L4, (d) => writeNpy(join(d, 'thresholds.npy'), { dtype: '<i2', shape: [6, 16], data: new Int16Array(96) }), /thresholds\.npy: shape: expected \[6, 15\]/],
    ['an activation outside 4 bits', L4, (d) => {
      const x = readNpy(join(d, 'x.npy'));
      x.data[2 * 9 * 6 + 3 * 6 + 5] = 16; // [2][3][5]
      writeNpy(join(d, 'x.npy'), x);
    }, /x\.npy: element \[2\]\[3\]\[5\]: value 16 outside the 4-bit unsigned activation range \[0, 15\]/],
    ['a weight outside 4 bits', L4, (d) => {
      const w = readNpy(join(d, 'w.npy'));
      w.data[0] = -9;
      writeNpy(join(d, 'w.npy'), w);
    }, /w\.npy: element \[0\]\[0\]\[0\]\[0\]: value -9 outside the 4-bit signed weight range \[-8, 7\]/],
    ['thresholds not ascending', L4, (d) => {
      const t = readNpy(join(d, 'thresholds.npy'));
      t.data[15 + 4] = 32767; // channel 1, threshold 4
      writeNpy(join(d, 'thresholds.npy'), t);
    }, /thresholds\.npy: element \[1\]\[5\]: thresholds must be ascending \(non-decreasing\) per channel: -?\d+ follows 32767/],
    ['precision 3', L8, (d) => editJson(d, (j) => (j.weights!.bits = 3)), /layer\.json: weights\.bits: expected one of 2, 4, 8, got 3/],
    ['precision 16', L8, (d) => editJson(d, (j) => (j.ifmap!.bits = 16)), /layer\.json: ifmap\.bits: expected one of 2, 4, 8, got 16/],
    ['shift missing', L8, (d) => editJson(d, (j) => delete j.shift), /layer\.json: shift: missing: required for 8-bit outputs/],
    ['shift 32', L8, (d) => editJson(d, (j) => (j.shift = 32)), /layer\.json: shift: expected an integer in \[0, 31\], got 32/],
    ['shift for a 4-bit output', L4, (d) => editJson(d, (j) => (j.shift = 3)), /layer\.json: shift: not allowed for 4-bit outputs/],
    ['stride 0', L8, (d) => editJson(d, (j) => (j.stride = 0)), /layer\.json: stride: expected an integer in \[1, 65535\], got 0/],
    ['stride 1.5', L8, (d) => editJson(d, (j) => (j.stride = 1.5)), /layer\.json: stride: expected an integer in \[1, 65535\], got 1\.5/],
    ['padding -1', L8, (d) => editJson(d, (j) => (j.padding = -1)), /layer\.json: padding: expected an integer in \[0, 65535\], got -1/],
    ['padding as a string', L8, (d) => editJson(d, (j) => (j.padding = '1')), /layer\.json: padding: expected an integer in \[0, 65535\], got "1"/],
    ['kernel larger than the padded input', L4, (d) => editJson(d, (j) => (j.weights!.kw = 10)), /layer\.json: weights\.kw: kernel width 10 exceeds the padded input width 9/],
    ['a misspelt field', L8, (d) => editJson(d, (j) => (j.ofmap!.chanels = 4)), /layer\.json: ofmap\.chanels: unknown field \(expected only c, bits\)/],
    ['ifmap missing', L8, (d) => editJson(d, (j) => delete j.ifmap), /layer\.json: ifmap: expected an object with h, w, c, bits, got nothing/],
    ['kappa.npy with a 4-bit output', L4, (d) => writeNpy(join(d, 'kappa.npy'), { dtype: '<i4', shape: [6], data: new Int32Array(6) }), /kappa\.npy: not allowed for 4-bit outputs/],
    ['thresholds.npy with an 8-bit output', L8, (d) => writeNpy(join(d, 'thresholds.npy'), { dtype: '<i2', shape: [4, 255], data: new Int16Array(1020) }), /thresholds\.npy: not allowed for 8-bit outputs/],
    ['a truncated .npy', L8, (d) => {
      const b = readFileSync(join(d, 'w.npy'));
      writeFileSync(join(d, 'w.npy'), b.subarray(0, b.length - 1));
    }, /w\.npy: truncated data/],
    ['invalid JSON', L8, (d) => writeFileSync(join(d, 'layer.json'), '{\n  "stride": 1,\n  "padding": 1,,\n}'), /layer\.json: invalid JSON \(line 3, column 16\)/],
  ];
  for (const [what, fixture, breakIt, message] of cases) {
    it(what, () => {
      const dir = copyOf(fixture);
      readLayer(dir); // the untouched copy is valid
      breakIt(dir);
      expect(() => readLayer(dir)).toThrow(message);
      try {
        readLayer(dir);
      } catch (e) {
        expect((e as Error).message.startsWith(dir)).toBe(true);
      }
    });
  }

  it('a path that is not a directory', () => {
    expect(() => readLayer(join(scratch, 'nope'))).toThrow(/nope: not a layer directory/);
  });
});

describe('validateLayer on in-memory layers', () => {
  const base = (): Layer => generateLayer({ inBits: 4, wBits: 2, outBits: 4, h: 3, w: 3, cin: 2, cout: 2, kh: 3, kw: 3, stride: 1, padding: 1, seed: 5 });
  it('accepts a generated layer and rejects broken ones with the same messages', () => {
    expect(() => validateLayer(base(), 'mem')).not.toThrow();
    const short = base();
    short.x = short.x.subarray(1);
    expect(() => validateLayer(short, 'mem')).toThrow(/mem\/x\.npy: shape: expected \[3, 3, 2\] \(activations, HWC\), got \[17\]/);
    const wrongType = base() as unknown as Record<string, unknown>;
    wrongType.w = new Int16Array(36);
    expect(() => validateLayer(wrongType as unknown as Layer, 'mem')).toThrow(/mem\/w\.npy: dtype: expected an Int8Array/);
    const both = base();
    both.kappa = new Int32Array(2);
    expect(() => validateLayer(both, 'mem')).toThrow(/mem\/kappa\.npy: not allowed for 4-bit outputs/);
  });
});

describe('writeLayer', () => {
  it('round-trips through readLayer and writes the arrays byte-identical to NumPy', () => {
    for (const name of [L8, L4, 'u2_u2_i2_p1_s2']) {
      const src = join(LAYERS, name);
      const layer = readLayer(src);
      const dst = join(scratch, `rt-${name}`);
      const y = readNpy(join(src, 'y_ref.npy')).data as Uint8Array;
      writeLayer(dst, layer, { y });
      expect(readLayer(dst)).toEqual(layer);
      for (const f of readdirSync(dst)) {
        if (f === 'layer.json') continue;
        const theirs = f === 'y.npy' ? 'y_ref.npy' : f;
        expect(readFileSync(join(dst, f)).equals(readFileSync(join(src, theirs))), f).toBe(true);
      }
      expect(JSON.parse(readFileSync(join(dst, 'layer.json'), 'utf8'))).toEqual(JSON.parse(readFileSync(join(src, 'layer.json'), 'utf8')));
    }
  });

  it('writes nothing when the layer is invalid', () => {
    const layer = readLayer(join(LAYERS, L4));
    layer.thresholds![0] = 32767;
    const dst = join(scratch, 'invalid');
    const before = readdirSync(scratch).length;
    expect(() => writeLayer(dst, layer)).toThrow(/invalid\/thresholds\.npy: element \[0\]\[1\]: thresholds must be ascending/);
    expect(existsSync(dst)).toBe(false);
    expect(readdirSync(scratch).length).toBe(before);
  });

  it('leaves neither the target nor a temporary directory when writing fails half-way', () => {
    const layer = readLayer(join(LAYERS, L8));
    // lambda reads fine during validation, then fails when it is written: x, w and kappa
    // are on disk by then.
    let reads = 0;
    const real = layer.lambda!;
    Object.defineProperty(layer, 'lambda', {
      get: () => {
        if (++reads > 1) throw new Error('disk full (simulated)');
        return real;
      },
    });
    const dst = join(scratch, 'halfway');
    const before = readdirSync(scratch).sort();
    expect(() => writeLayer(dst, layer)).toThrow('disk full (simulated)');
    expect(existsSync(dst)).toBe(false);
    expect(readdirSync(scratch).sort()).toEqual(before);
  });

  it('refuses to replace an existing directory unless asked, and then replaces it whole', () => {
    const dst = join(scratch, 'existing');
    const a = readLayer(join(LAYERS, L8));
    const b = readLayer(join(LAYERS, L4));
    writeLayer(dst, a);
    expect(() => writeLayer(dst, b)).toThrow(/existing: already exists/);
    expect(readLayer(dst)).toEqual(a);
    writeLayer(dst, b, { overwrite: true });
    expect(readLayer(dst)).toEqual(b);
    // the old layer's kappa/lambda are gone, not left beside the new thresholds
    expect(readdirSync(dst).sort()).toEqual(['layer.json', 'thresholds.npy', 'w.npy', 'x.npy']);
    expect(readdirSync(scratch).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('checks the output it is given', () => {
    const layer = readLayer(join(LAYERS, L4));
    const y = new Uint8Array(3 * 4 * 6).fill(16);
    expect(() => writeLayer(join(scratch, 'bad-y'), layer, { y })).toThrow(/bad-y\/y\.npy: element \[0\]\[0\]\[0\]: value 16 outside the 4-bit unsigned output range \[0, 15\]/);
    expect(() => writeLayer(join(scratch, 'bad-y'), layer, { y: new Uint8Array(5) })).toThrow(/bad-y\/y\.npy: shape: expected a Uint8Array of 3x4x6 = 72 outputs/);
  });
});
