/**
 * The layer directory format: the users' contract for describing one quantized convolution.
 *
 *   layer.json      {"ifmap": {"h","w","c","bits"}, "weights": {"kh","kw","bits"},
 *                    "ofmap": {"c","bits"}, "stride", "padding", "shift"}
 *   x.npy           uint8 [h][w][c]        unsigned activations in [0, 2^bits)
 *   w.npy           int8  [cout][kh][kw][cin]  signed weights in [-2^(bits-1), 2^(bits-1))
 *   kappa.npy, lambda.npy   int32 [cout]   8-bit outputs only; `shift` is then required
 *   thresholds.npy  int16 [cout][2^bits-1] 4- and 2-bit outputs only; non-decreasing per channel
 *   y.npy           uint8 [ho][wo][cout]   a result (optional; see readOutput/writeOutput)
 *
 * Unsigned activations and outputs, signed weights: the CF'20 kernels' signedness
 * (facts/pulp-nn-mixed.md §3). Dimensions are capped at 65535 because the kernels take
 * them as uint16 arguments (§2a). Thresholds may repeat (non-decreasing): the library's
 * generator clamps them to int16, which can make neighbours equal, and the kernels' binary
 * search still returns the count of thresholds exceeded in that case (§6b).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { readNpy, writeNpy, type NpyArray, type NpyDtype } from './npy.ts';

export type Precision = 2 | 4 | 8;
export const PRECISIONS: readonly Precision[] = [2, 4, 8];

export interface LayerSpec {
  ifmap: { h: number; w: number; c: number; bits: Precision };
  weights: { kh: number; kw: number; bits: Precision };
  ofmap: { c: number; bits: Precision };
  stride: number;
  padding: number;
  /** Right-shift of the 8-bit requantisation; present exactly when ofmap.bits is 8. */
  shift?: number;
}

export interface Layer {
  spec: LayerSpec;
  /** HWC activations, one unpacked value per element. */
  x: Uint8Array;
  /** [cout][kh][kw][cin] weights, one unpacked value per element. */
  w: Int8Array;
  /** Per output channel, 8-bit outputs only. */
  kappa?: Int32Array;
  lambda?: Int32Array;
  /** [cout][2^bits - 1], sub-byte outputs only. */
  thresholds?: Int16Array;
}

export class LayerError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}${field ? `: ${field}` : ''}: ${detail}`);
    this.name = 'LayerError';
  }
}

export const LAYER_FILES = {
  spec: 'layer.json',
  x: 'x.npy',
  w: 'w.npy',
  kappa: 'kappa.npy',
  lambda: 'lambda.npy',
  thresholds: 'thresholds.npy',
  y: 'y.npy',
} as const;

const MAX_DIM = 0xffff;

export interface OutputShape {
  ho: number;
  wo: number;
  c: number;
}

/** ho = floor((h + 2p - kh)/stride) + 1, likewise for wo. */
export function outputShape(spec: LayerSpec): OutputShape {
  return {
    ho: Math.floor((spec.ifmap.h + 2 * spec.padding - spec.weights.kh) / spec.stride) + 1,
    wo: Math.floor((spec.ifmap.w + 2 * spec.padding - spec.weights.kw) / spec.stride) + 1,
    c: spec.ofmap.c,
  };
}

/** Number of thresholds per output channel for a sub-byte output precision. */
export function thresholdCount(bits: Precision): number {
  return (1 << bits) - 1;
}

// --- layer.json validation ---

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function checkKeys(file: string, field: string, obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) {
      const where = field ? `${field}.${k}` : k;
      throw new LayerError(file, where, `unknown field (expected only ${allowed.join(', ')})`);
    }
  }
}

function intField(file: string, field: string, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new LayerError(file, field, `expected an integer in [${min}, ${max}], got ${describe(v)}`);
  }
  return v;
}

function bitsField(file: string, field: string, v: unknown): Precision {
  if (v !== 2 && v !== 4 && v !== 8) throw new LayerError(file, field, `expected one of 2, 4, 8, got ${describe(v)}`);
  return v;
}

function objField(file: string, field: string, v: unknown, keys: readonly string[]): Record<string, unknown> {
  if (!isObject(v)) throw new LayerError(file, field, `expected an object with ${keys.join(', ')}, got ${describe(v)}`);
  checkKeys(file, field, v, keys);
  return v;
}

/** Validates a parsed layer.json value; `file` names it in errors. */
export function validateSpec(raw: unknown, file: string = LAYER_FILES.spec): LayerSpec {
  const top = objField(file, '', raw, ['ifmap', 'weights', 'ofmap', 'stride', 'padding', 'shift']);
  const i = objField(file, 'ifmap', top.ifmap, ['h', 'w', 'c', 'bits']);
  const k = objField(file, 'weights', top.weights, ['kh', 'kw', 'bits']);
  const o = objField(file, 'ofmap', top.ofmap, ['c', 'bits']);
  const spec: LayerSpec = {
    ifmap: {
      h: intField(file, 'ifmap.h', i.h, 1, MAX_DIM),
      w: intField(file, 'ifmap.w', i.w, 1, MAX_DIM),
      c: intField(file, 'ifmap.c', i.c, 1, MAX_DIM),
      bits: bitsField(file, 'ifmap.bits', i.bits),
    },
    weights: {
      kh: intField(file, 'weights.kh', k.kh, 1, MAX_DIM),
      kw: intField(file, 'weights.kw', k.kw, 1, MAX_DIM),
      bits: bitsField(file, 'weights.bits', k.bits),
    },
    ofmap: {
      c: intField(file, 'ofmap.c', o.c, 1, MAX_DIM),
      bits: bitsField(file, 'ofmap.bits', o.bits),
    },
    stride: intField(file, 'stride', top.stride, 1, MAX_DIM),
    padding: intField(file, 'padding', top.padding, 0, MAX_DIM),
  };
  if (spec.ofmap.bits === 8) {
    // JS `>>` masks its count to 5 bits, and so does the RI5CY `sra`: a shift is only
    // meaningful in [0, 31].
    if (top.shift === undefined) throw new LayerError(file, 'shift', 'missing: required for 8-bit outputs (an integer in [0, 31])');
    spec.shift = intField(file, 'shift', top.shift, 0, 31);
  } else if (top.shift !== undefined) {
    throw new LayerError(file, 'shift', `not allowed for ${spec.ofmap.bits}-bit outputs (they use thresholds.npy)`);
  }
  const p = spec.padding;
  if (spec.ifmap.h + 2 * p < spec.weights.kh) {
    throw new LayerError(file, 'weights.kh', `kernel height ${spec.weights.kh} exceeds the padded input height ${spec.ifmap.h + 2 * p}`);
  }
  if (spec.ifmap.w + 2 * p < spec.weights.kw) {
    throw new LayerError(file, 'weights.kw', `kernel width ${spec.weights.kw} exceeds the padded input width ${spec.ifmap.w + 2 * p}`);
  }
  return spec;
}

// --- array validation ---

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function fmtShape(s: readonly number[]): string {
  return `[${s.join(', ')}]`;
}

function checkArray(file: string, arr: NpyArray, dtype: NpyDtype, shape: readonly number[], what: string): void {
  if (arr.dtype !== dtype) throw new LayerError(file, 'dtype', `expected '${dtype}' (${what}), got '${arr.dtype}'`);
  if (!sameShape(arr.shape, shape)) throw new LayerError(file, 'shape', `expected ${fmtShape(shape)} (${what}), got ${fmtShape(arr.shape)}`);
}

/** Index -> "[i][j][k]" for a C-order shape. */
function indexOf(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(flat % shape[d]!);
    flat = Math.floor(flat / shape[d]!);
  }
  return idx.map((i) => `[${i}]`).join('');
}

function checkRange(file: string, data: ArrayLike<number>, shape: readonly number[], lo: number, hi: number, what: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < lo || v > hi) {
      throw new LayerError(file, `element ${indexOf(i, shape)}`, `value ${v} outside the ${what} range [${lo}, ${hi}]`);
    }
  }
}

function xShape(s: LayerSpec): number[] {
  return [s.ifmap.h, s.ifmap.w, s.ifmap.c];
}

function wShape(s: LayerSpec): number[] {
  return [s.ofmap.c, s.weights.kh, s.weights.kw, s.ifmap.c];
}

function checkX(file: string, spec: LayerSpec, x: NpyArray): void {
  checkArray(file, x, '|u1', xShape(spec), 'activations, HWC');
  checkRange(file, x.data, x.shape, 0, (1 << spec.ifmap.bits) - 1, `${spec.ifmap.bits}-bit unsigned activation`);
}

function checkW(file: string, spec: LayerSpec, w: NpyArray): void {
  checkArray(file, w, '|i1', wShape(spec), 'weights, [cout][kh][kw][cin]');
  const half = 1 << (spec.weights.bits - 1);
  checkRange(file, w.data, w.shape, -half, half - 1, `${spec.weights.bits}-bit signed weight`);
}

function checkThresholds(file: string, spec: LayerSpec, t: NpyArray): void {
  const n = thresholdCount(spec.ofmap.bits);
  checkArray(file, t, '<i2', [spec.ofmap.c, n], `${n} thresholds per output channel`);
  for (let c = 0; c < spec.ofmap.c; c++) {
    for (let k = 1; k < n; k++) {
      const a = t.data[c * n + k - 1]!;
      const b = t.data[c * n + k]!;
      if (b < a) {
        throw new LayerError(file, `element [${c}][${k}]`, `thresholds must be ascending (non-decreasing) per channel: ${b} follows ${a}`);
      }
    }
  }
}

function npy(dtype: NpyDtype, shape: number[], data: NpyArray['data']): NpyArray {
  return { dtype, shape, data };
}

/**
 * Validates a whole in-memory layer (spec and arrays) with the same rules and messages as
 * readLayer; `dir` is used only to name the files in errors.
 */
export function validateLayer(layer: Layer, dir = '.'): void {
  const f = (name: string): string => join(dir, name);
  const spec = validateSpec(layer.spec, f(LAYER_FILES.spec));
  const xs = xShape(spec);
  const ws = wShape(spec);
  if (!(layer.x instanceof Uint8Array)) throw new LayerError(f(LAYER_FILES.x), 'dtype', "expected a Uint8Array ('|u1')");
  if (!(layer.w instanceof Int8Array)) throw new LayerError(f(LAYER_FILES.w), 'dtype', "expected an Int8Array ('|i1')");
  checkX(f(LAYER_FILES.x), spec, npy('|u1', layer.x.length === xs.reduce((a, b) => a * b) ? xs : [layer.x.length], layer.x));
  checkW(f(LAYER_FILES.w), spec, npy('|i1', layer.w.length === ws.reduce((a, b) => a * b) ? ws : [layer.w.length], layer.w));
  if (spec.ofmap.bits === 8) {
    if (layer.thresholds !== undefined) throw new LayerError(f(LAYER_FILES.thresholds), '', 'not allowed for 8-bit outputs (they use kappa, lambda and shift)');
    for (const [key, arr] of [['kappa', layer.kappa], ['lambda', layer.lambda]] as const) {
      const file = f(LAYER_FILES[key]);
      if (arr === undefined) throw new LayerError(file, '', 'missing: required for 8-bit outputs');
      if (!(arr instanceof Int32Array)) throw new LayerError(file, 'dtype', "expected an Int32Array ('<i4')");
      checkArray(file, npy('<i4', [arr.length], arr), '<i4', [spec.ofmap.c], 'one per output channel');
    }
  } else {
    for (const key of ['kappa', 'lambda'] as const) {
      if (layer[key] !== undefined) throw new LayerError(f(LAYER_FILES[key]), '', `not allowed for ${spec.ofmap.bits}-bit outputs (they use thresholds.npy)`);
    }
    const file = f(LAYER_FILES.thresholds);
    const t = layer.thresholds;
    if (t === undefined) throw new LayerError(file, '', `missing: required for ${spec.ofmap.bits}-bit outputs`);
    if (!(t instanceof Int16Array)) throw new LayerError(file, 'dtype', "expected an Int16Array ('<i2')");
    const n = thresholdCount(spec.ofmap.bits);
    checkThresholds(file, spec, npy('<i2', t.length === spec.ofmap.c * n ? [spec.ofmap.c, n] : [t.length], t));
  }
}

// --- reading ---

function readSpecFile(path: string): LayerSpec {
  if (!existsSync(path)) throw new LayerError(path, '', 'missing file: every layer directory needs layer.json');
  const text = readFileSync(path, 'utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    let where = '';
    if (m) {
      const before = text.slice(0, Number(m[1]));
      const line = before.split('\n').length;
      const col = Number(m[1]) - before.lastIndexOf('\n');
      where = ` (line ${line}, column ${col})`;
    }
    throw new LayerError(path, '', `invalid JSON${where}: ${msg}`);
  }
  return validateSpec(raw, path);
}

function readArray(path: string, why: string): NpyArray {
  if (!existsSync(path)) throw new LayerError(path, '', `missing file: ${why}`);
  return readNpy(path);
}

/** Reads and fully validates a layer directory. Throws LayerError or NpyError naming the file. */
export function readLayer(dir: string): Layer {
  const f = (name: string): string => join(dir, name);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new LayerError(dir, '', 'not a layer directory (expected a directory holding layer.json)');
  const spec = readSpecFile(f(LAYER_FILES.spec));
  const x = readArray(f(LAYER_FILES.x), 'the activations, uint8 [h][w][c]');
  checkX(f(LAYER_FILES.x), spec, x);
  const w = readArray(f(LAYER_FILES.w), 'the weights, int8 [cout][kh][kw][cin]');
  checkW(f(LAYER_FILES.w), spec, w);
  const layer: Layer = { spec, x: x.data as Uint8Array, w: w.data as Int8Array };
  if (spec.ofmap.bits === 8) {
    if (existsSync(f(LAYER_FILES.thresholds))) throw new LayerError(f(LAYER_FILES.thresholds), '', 'not allowed for 8-bit outputs (they use kappa, lambda and shift)');
    for (const key of ['kappa', 'lambda'] as const) {
      const path = f(LAYER_FILES[key]);
      const arr = readArray(path, `required for 8-bit outputs: int32 [${spec.ofmap.c}]`);
      checkArray(path, arr, '<i4', [spec.ofmap.c], 'one per output channel');
      layer[key] = arr.data as Int32Array;
    }
  } else {
    for (const key of ['kappa', 'lambda'] as const) {
      if (existsSync(f(LAYER_FILES[key]))) throw new LayerError(f(LAYER_FILES[key]), '', `not allowed for ${spec.ofmap.bits}-bit outputs (they use thresholds.npy)`);
    }
    const path = f(LAYER_FILES.thresholds);
    const n = thresholdCount(spec.ofmap.bits);
    const t = readArray(path, `required for ${spec.ofmap.bits}-bit outputs: int16 [${spec.ofmap.c}][${n}]`);
    checkThresholds(path, spec, t);
    layer.thresholds = t.data as Int16Array;
  }
  return layer;
}

/** Reads an output file (default y.npy) of a layer and checks its dtype, shape and range. */
export function readOutput(path: string, spec: LayerSpec): Uint8Array {
  const o = outputShape(spec);
  const arr = readArray(path, `an output, uint8 [${o.ho}][${o.wo}][${o.c}]`);
  checkArray(path, arr, '|u1', [o.ho, o.wo, o.c], 'outputs, HWC');
  checkRange(path, arr.data, arr.shape, 0, (1 << spec.ofmap.bits) - 1, `${spec.ofmap.bits}-bit unsigned output`);
  return arr.data as Uint8Array;
}

// --- writing ---

function specJson(spec: LayerSpec): string {
  const out: Record<string, unknown> = {
    ifmap: { h: spec.ifmap.h, w: spec.ifmap.w, c: spec.ifmap.c, bits: spec.ifmap.bits },
    weights: { kh: spec.weights.kh, kw: spec.weights.kw, bits: spec.weights.bits },
    ofmap: { c: spec.ofmap.c, bits: spec.ofmap.bits },
    stride: spec.stride,
    padding: spec.padding,
  };
  if (spec.shift !== undefined) out.shift = spec.shift;
  return JSON.stringify(out, null, 2) + '\n';
}

export interface WriteLayerOptions {
  /** Replace an existing directory (default: refuse). */
  overwrite?: boolean;
  /** Also write this output as y.npy. */
  y?: Uint8Array;
}

/**
 * Validates the layer, writes every file into a temporary sibling directory and renames it
 * into place, so a failure never leaves a half-written layer directory behind.
 */
export function writeLayer(dir: string, layer: Layer, options: WriteLayerOptions = {}): void {
  validateLayer(layer, dir);
  const spec = layer.spec;
  if (options.y !== undefined) {
    const o = outputShape(spec);
    const yFile = join(dir, LAYER_FILES.y);
    if (!(options.y instanceof Uint8Array) || options.y.length !== o.ho * o.wo * o.c) {
      throw new LayerError(yFile, 'shape', `expected a Uint8Array of ${o.ho}x${o.wo}x${o.c} = ${o.ho * o.wo * o.c} outputs`);
    }
    checkRange(yFile, options.y, [o.ho, o.wo, o.c], 0, (1 << spec.ofmap.bits) - 1, `${spec.ofmap.bits}-bit unsigned output`);
  }
  if (existsSync(dir) && !options.overwrite) {
    throw new LayerError(dir, '', 'already exists (pass overwrite to replace it)');
  }
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tag = `${process.pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e9).toString(36)}`;
  const tmp = join(parent, `.${basename(dir)}.tmp-${tag}`);
  try {
    mkdirSync(tmp);
    const file = (n: string): string => join(tmp, n);
    const o = outputShape(spec);
    writeFileSync(file(LAYER_FILES.spec), specJson(spec));
    writeNpy(file(LAYER_FILES.x), { dtype: '|u1', shape: xShape(spec), data: layer.x });
    writeNpy(file(LAYER_FILES.w), { dtype: '|i1', shape: wShape(spec), data: layer.w });
    if (spec.ofmap.bits === 8) {
      writeNpy(file(LAYER_FILES.kappa), { dtype: '<i4', shape: [spec.ofmap.c], data: layer.kappa! });
      writeNpy(file(LAYER_FILES.lambda), { dtype: '<i4', shape: [spec.ofmap.c], data: layer.lambda! });
    } else {
      writeNpy(file(LAYER_FILES.thresholds), {
        dtype: '<i2',
        shape: [spec.ofmap.c, thresholdCount(spec.ofmap.bits)],
        data: layer.thresholds!,
      });
    }
    if (options.y !== undefined) writeNpy(file(LAYER_FILES.y), { dtype: '|u1', shape: [o.ho, o.wo, o.c], data: options.y });
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (existsSync(dir)) {
    const old = join(parent, `.${basename(dir)}.old-${tag}`);
    renameSync(dir, old);
    try {
      renameSync(tmp, dir);
    } catch (e) {
      renameSync(old, dir);
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
    rmSync(old, { recursive: true, force: true });
  } else {
    try {
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      throw e;
    }
  }
}
