/**
 * Reader and writer for the NumPy `.npy` format, versions 1.0 and 2.0, restricted to the
 * integer dtypes the layer directory format uses. Anything else is refused with a message
 * naming the file, so a user's mistake (Fortran order, big-endian data, a float array, a
 * truncated copy) is reported before any golden or kernel run.
 *
 * Format facts (NumPy's `numpy.lib.format` documentation):
 * - magic `\x93NUMPY`, one byte major, one byte minor version;
 * - header length: little-endian uint16 (1.0) or uint32 (2.0);
 * - header: a Python dict literal with keys 'descr', 'fortran_order', 'shape', padded with
 *   spaces and ended by '\n' so that the data starts on a 64-byte boundary;
 * - the writer adds room for the first axis to grow to 21 digits, as NumPy does, so files
 *   written here are byte-identical to `numpy.save` of the same array.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export type NpyDtype = '|u1' | '|i1' | '<i2' | '<i4' | '<u2' | '<u4';

export type NpyData = Uint8Array | Int8Array | Int16Array | Int32Array | Uint16Array | Uint32Array;

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** C order, one element per entry. */
  data: NpyData;
}

export class NpyError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'NpyError';
  }
}

interface DtypeInfo {
  size: number;
  make: (n: number) => NpyData;
  get: (v: DataView, off: number) => number;
  set: (v: DataView, off: number, x: number) => void;
}

const DTYPES: Record<NpyDtype, DtypeInfo> = {
  '|u1': { size: 1, make: (n) => new Uint8Array(n), get: (v, o) => v.getUint8(o), set: (v, o, x) => v.setUint8(o, x) },
  '|i1': { size: 1, make: (n) => new Int8Array(n), get: (v, o) => v.getInt8(o), set: (v, o, x) => v.setInt8(o, x) },
  '<i2': { size: 2, make: (n) => new Int16Array(n), get: (v, o) => v.getInt16(o, true), set: (v, o, x) => v.setInt16(o, x, true) },
  '<u2': { size: 2, make: (n) => new Uint16Array(n), get: (v, o) => v.getUint16(o, true), set: (v, o, x) => v.setUint16(o, x, true) },
  '<i4': { size: 4, make: (n) => new Int32Array(n), get: (v, o) => v.getInt32(o, true), set: (v, o, x) => v.setInt32(o, x, true) },
  '<u4': { size: 4, make: (n) => new Uint32Array(n), get: (v, o) => v.getUint32(o, true), set: (v, o, x) => v.setUint32(o, x, true) },
};

export const NPY_DTYPES: readonly NpyDtype[] = Object.keys(DTYPES) as NpyDtype[];

const SUPPORTED = NPY_DTYPES.map((d) => `'${d}'`).join(', ');

/** The dtype string matching a typed array's element type, or undefined for other arrays. */
export function dtypeOf(data: unknown): NpyDtype | undefined {
  if (data instanceof Uint8Array) return '|u1';
  if (data instanceof Int8Array) return '|i1';
  if (data instanceof Int16Array) return '<i2';
  if (data instanceof Uint16Array) return '<u2';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  return undefined;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
const GROWTH_DIGITS = 21;

function product(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// --- header dict parsing: a small parser for the Python literal subset NumPy writes ---

type PyValue = string | boolean | number[];

class HeaderParser {
  private pos = 0;
  constructor(
    private readonly text: string,
    private readonly file: string,
  ) {}

  private fail(what: string): never {
    throw new NpyError(this.file, `malformed header: ${what} at header offset ${this.pos} in ${JSON.stringify(this.text.trim())}`);
  }

  private ws(): void {
    while (this.pos < this.text.length && ' \t\r\n'.includes(this.text[this.pos]!)) this.pos++;
  }

  private eat(ch: string): boolean {
    this.ws();
    if (this.text[this.pos] === ch) {
      this.pos++;
      return true;
    }
    return false;
  }

  private expect(ch: string): void {
    if (!this.eat(ch)) this.fail(`expected '${ch}'`);
  }

  private string(): string {
    this.ws();
    const q = this.text[this.pos];
    if (q !== "'" && q !== '"') this.fail('expected a quoted string');
    const end = this.text.indexOf(q, this.pos + 1);
    if (end < 0) this.fail('unterminated string');
    const s = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  private int(): number {
    this.ws();
    const m = /^[0-9]+/.exec(this.text.slice(this.pos));
    if (!m) this.fail('expected a non-negative integer');
    this.pos += m[0].length;
    // A trailing 'L' is what Python 2 wrote for longs; accept it as NumPy's reader does.
    if (this.text[this.pos] === 'L') this.pos++;
    return Number(m[0]);
  }

  private value(): PyValue {
    this.ws();
    const rest = this.text.slice(this.pos);
    if (rest.startsWith('True')) {
      this.pos += 4;
      return true;
    }
    if (rest.startsWith('False')) {
      this.pos += 5;
      return false;
    }
    if (rest.startsWith("'") || rest.startsWith('"')) return this.string();
    if (rest.startsWith('(')) {
      this.pos++;
      const dims: number[] = [];
      while (!this.eat(')')) {
        dims.push(this.int());
        if (!this.eat(',')) {
          this.expect(')');
          break;
        }
      }
      return dims;
    }
    return this.fail('expected a string, True, False or a tuple of integers');
  }

  dict(): Map<string, PyValue> {
    const out = new Map<string, PyValue>();
    this.expect('{');
    while (!this.eat('}')) {
      const key = this.string();
      this.expect(':');
      if (out.has(key)) this.fail(`duplicate key '${key}'`);
      out.set(key, this.value());
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    this.ws();
    if (this.pos !== this.text.length) this.fail('unexpected text after the dictionary');
    return out;
  }
}

/** Parses `.npy` bytes. `file` names the source in every error message. */
export function parseNpy(bytes: Uint8Array, file: string): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(file, 'not a .npy file: expected the magic string \\x93NUMPY at the start');
  }
  const major = bytes[6]!;
  const minor = bytes[7]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1 && minor === 0) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 && minor === 0) {
    if (bytes.length < 12) throw new NpyError(file, 'truncated: the 2.0 header length field is incomplete');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(file, `unsupported .npy format version ${major}.${minor}: expected 1.0 or 2.0`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) {
    throw new NpyError(file, `truncated: the header claims ${headerLen} bytes but only ${bytes.length - headerStart} follow`);
  }
  let text = '';
  for (let i = headerStart; i < dataStart; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) throw new NpyError(file, `malformed header: non-ASCII byte 0x${c.toString(16)} at file offset ${i}`);
    text += String.fromCharCode(c);
  }
  if (!text.endsWith('\n')) throw new NpyError(file, "malformed header: expected it to end with '\\n'");
  const dict = new HeaderParser(text, file).dict();
  for (const key of dict.keys()) {
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') {
      throw new NpyError(file, `malformed header: unexpected key '${key}' (expected 'descr', 'fortran_order', 'shape')`);
    }
  }
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (typeof descr !== 'string') throw new NpyError(file, "malformed header: 'descr' must be a dtype string");
  if (typeof fortran !== 'boolean') throw new NpyError(file, "malformed header: 'fortran_order' must be True or False");
  if (!Array.isArray(shape)) throw new NpyError(file, "malformed header: 'shape' must be a tuple of integers");
  if (!(descr in DTYPES)) {
    const why = descr.startsWith('>') ? 'big-endian data is not supported; ' : '';
    throw new NpyError(file, `unsupported dtype '${descr}': ${why}expected one of ${SUPPORTED}`);
  }
  if (fortran) {
    throw new NpyError(file, 'Fortran-order arrays are not supported: expected C order (save with np.ascontiguousarray)');
  }
  const dtype = descr as NpyDtype;
  const info = DTYPES[dtype];
  const count = product(shape);
  const expectedBytes = count * info.size;
  const actualBytes = bytes.length - dataStart;
  if (actualBytes < expectedBytes) {
    throw new NpyError(
      file,
      `truncated data: shape (${shape.join(', ')}) of '${dtype}' needs ${expectedBytes} bytes, found ${actualBytes}`,
    );
  }
  if (actualBytes > expectedBytes) {
    throw new NpyError(
      file,
      `data size does not match the header: shape (${shape.join(', ')}) of '${dtype}' needs ${expectedBytes} bytes, found ${actualBytes}`,
    );
  }
  const data = info.make(count);
  for (let i = 0; i < count; i++) data[i] = info.get(view, dataStart + i * info.size);
  return { dtype, shape: [...shape], data };
}

function headerText(arr: NpyArray): string {
  const shapeRepr = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let h = `{'descr': '${arr.dtype}', 'fortran_order': False, 'shape': ${shapeRepr}, }`;
  if (arr.shape.length > 0) h += ' '.repeat(Math.max(0, GROWTH_DIGITS - String(arr.shape[0]).length));
  return h;
}

/**
 * Encodes an array as `.npy` bytes, choosing version 1.0 unless the header needs 2.0 (or
 * `version` forces it), with the same padding as `numpy.save`.
 */
export function encodeNpy(arr: NpyArray, file = '<array>', version?: 1 | 2): Uint8Array {
  const info = DTYPES[arr.dtype];
  if (!info) throw new NpyError(file, `cannot write dtype '${String(arr.dtype)}': expected one of ${SUPPORTED}`);
  if (dtypeOf(arr.data) !== arr.dtype) {
    const kind = (arr.data as object | null)?.constructor?.name ?? String(arr.data);
    throw new NpyError(file, `data is a ${kind} but the dtype is '${arr.dtype}'`);
  }
  for (const d of arr.shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new NpyError(file, `invalid shape (${arr.shape.join(', ')}): dimensions must be non-negative integers`);
  }
  const count = product(arr.shape);
  if (count !== arr.data.length) {
    throw new NpyError(file, `shape (${arr.shape.join(', ')}) holds ${count} elements but the data has ${arr.data.length}`);
  }
  const header = headerText(arr);
  const hlen = header.length + 1;
  const fits1 = (v: number): boolean => v <= 0xffff;
  const pad = (prefix: number): number => ALIGN - ((prefix + hlen) % ALIGN);
  let ver = version ?? 1;
  if (ver === 1 && !fits1(hlen + pad(10))) {
    if (version === 1) throw new NpyError(file, `header of ${hlen} bytes is too long for format 1.0`);
    ver = 2;
  }
  const prefix = ver === 1 ? 10 : 12;
  const padLen = pad(prefix);
  const total = prefix + hlen + padLen + count * info.size;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  out[6] = ver;
  out[7] = 0;
  if (ver === 1) view.setUint16(8, hlen + padLen, true);
  else view.setUint32(8, hlen + padLen, true);
  let p = prefix;
  for (let i = 0; i < header.length; i++) out[p++] = header.charCodeAt(i);
  for (let i = 0; i < padLen; i++) out[p++] = 0x20;
  out[p++] = 0x0a;
  for (let i = 0; i < count; i++) info.set(view, p + i * info.size, arr.data[i]!);
  return out;
}

export function readNpy(path: string): NpyArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new NpyError(path, `cannot read: ${(e as Error).message}`);
  }
  return parseNpy(bytes, path);
}

export function writeNpy(path: string, arr: NpyArray, version?: 1 | 2): void {
  writeFileSync(path, encodeNpy(arr, path, version));
}
