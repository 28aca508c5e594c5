import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeNpy, NPY_DTYPES, parseNpy, readNpy, type NpyArray, type NpyDtype } from './npy.ts';

const NPY_DIR = fileURLToPath(new URL('./fixtures/npy/', import.meta.url));

interface ManifestEntry {
  dtype: string;
  shape: number[];
  values: number[];
  version: [number, number];
}
const manifest = JSON.parse(readFileSync(join(NPY_DIR, 'manifest.json'), 'utf8')) as {
  numpy: string;
  files: Record<string, ManifestEntry>;
};

// NumPy's dtype.str for one-byte types is '|u1'/'|i1'; the manifest records what NumPy said.
const makeData: Record<NpyDtype, (v: number[]) => NpyArray['data']> = {
  '|u1': (v) => Uint8Array.from(v),
  '|i1': (v) => Int8Array.from(v),
  '<i2': (v) => Int16Array.from(v),
  '<u2': (v) => Uint16Array.from(v),
  '<i4': (v) => Int32Array.from(v),
  '<u4': (v) => Uint32Array.from(v),
};

describe('npy reader on NumPy-written files', () => {
  const names = Object.keys(manifest.files);
  it('the fixtures cover every supported dtype and both format versions', () => {
    const dtypes = new Set(names.map((n) => manifest.files[n]!.dtype));
    for (const d of NPY_DTYPES) expect(dtypes).toContain(d);
    expect(new Set(names.map((n) => manifest.files[n]!.version[0]))).toEqual(new Set([1, 2]));
  });

  for (const name of names) {
    it(`reads ${name} as NumPy wrote it`, () => {
      const m = manifest.files[name]!;
      const bytes = readFileSync(join(NPY_DIR, name));
      expect(bytes[6]).toBe(m.version[0]);
      const arr = readNpy(join(NPY_DIR, name));
      expect(arr.dtype).toBe(m.dtype);
      expect(arr.shape).toEqual(m.shape);
      expect(Array.from(arr.data)).toEqual(m.values);
    });

    it(`writes ${name} byte-identical to NumPy`, () => {
      const m = manifest.files[name]!;
      const dtype = m.dtype as NpyDtype;
      const ours = encodeNpy({ dtype, shape: m.shape, data: makeData[dtype](m.values) }, name, m.version[0] as 1 | 2);
      expect(Buffer.from(ours).equals(readFileSync(join(NPY_DIR, name)))).toBe(true);
    });
  }

  it('refuses NumPy files it does not support, naming the file and the reason', () => {
    const f4 = join(NPY_DIR, 'reject_f4.npy');
    expect(() => readNpy(f4)).toThrow(`${f4}: unsupported dtype '<f4'`);
    const be = join(NPY_DIR, 'reject_big_endian.npy');
    expect(() => readNpy(be)).toThrow(/reject_big_endian\.npy: unsupported dtype '>i4': big-endian/);
    const fo = join(NPY_DIR, 'reject_fortran.npy');
    expect(() => readNpy(fo)).toThrow(/reject_fortran\.npy: Fortran-order arrays are not supported/);
  });

  it('names a missing file', () => {
    expect(() => readNpy('/nonexistent/dir/q.npy')).toThrow(/\/nonexistent\/dir\/q\.npy: cannot read/);
  });
});

/** Builds a .npy file by hand: independent of the writer under test. */
function handmade(header: string, data: number[], version: [number, number] = [1, 0]): Uint8Array {
  const prefix = version[0] === 1 ? 10 : 12;
  const body = header + '\n';
  const out = new Uint8Array(prefix + body.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version[0], version[1]]);
  const dv = new DataView(out.buffer);
  if (version[0] === 1) dv.setUint16(8, body.length, true);
  else dv.setUint32(8, body.length, true);
  for (let i = 0; i < body.length; i++) out[prefix + i] = body.charCodeAt(i);
  out.set(data, prefix + body.length);
  return out;
}

const GOOD = "{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }";

describe('npy reader on malformed input', () => {
  it('accepts a minimal hand-made file (so the rejections below are about their one defect)', () => {
    const a = parseNpy(handmade(GOOD, [0x01, 0x00, 0xff, 0xff]), 'ok.npy');
    expect(a.dtype).toBe('<i2');
    expect(Array.from(a.data)).toEqual([1, -1]);
    const b = parseNpy(handmade(GOOD, [0x02, 0x01, 0x00, 0x80], [2, 0]), 'ok2.npy');
    expect(Array.from(b.data)).toEqual([0x0102, -32768]);
  });

  const cases: [string, Uint8Array, RegExp][] = [
    ['bad magic', Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0]), /bad\.npy: not a \.npy file: expected the magic string/],
    ['empty file', new Uint8Array(0), /bad\.npy: not a \.npy file/],
    ['format 3.0', handmade(GOOD, [1, 0, 2, 0], [3, 0]), /bad\.npy: unsupported \.npy format version 3\.0: expected 1\.0 or 2\.0/],
    ['truncated data', handmade(GOOD, [1, 0, 2]), /bad\.npy: truncated data: shape \(2\) of '<i2' needs 4 bytes, found 3/],
    ['extra data', handmade(GOOD, [1, 0, 2, 0, 3]), /bad\.npy: data size does not match the header: .* needs 4 bytes, found 5/],
    ['truncated header', handmade(GOOD, []).slice(0, 30), /bad\.npy: truncated: the header claims \d+ bytes/],
    ['header without newline', handmade(GOOD.slice(0, -1) + '}', [1, 0, 2, 0]).map((b, i, a) => (i === 10 + GOOD.length ? 0x20 : b)), /malformed header: expected it to end with/],
    ['missing key', handmade("{'descr': '<i2', 'shape': (2,), }", [1, 0, 2, 0]), /bad\.npy: malformed header: 'fortran_order' must be True or False/],
    ['unknown key', handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), 'x': True}", [1, 0, 2, 0]), /bad\.npy: malformed header: unexpected key 'x'/],
    ['object dtype', handmade("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", [1, 0, 2, 0]), /bad\.npy: unsupported dtype '\|O': expected one of '\|u1'/],
    ['float dtype', handmade("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", [0, 0, 0, 0, 0, 0, 0, 0]), /unsupported dtype '<f8'/],
    ['big-endian', handmade("{'descr': '>i2', 'fortran_order': False, 'shape': (2,), }", [1, 0, 2, 0]), /unsupported dtype '>i2': big-endian data is not supported/],
    ['Fortran order', handmade("{'descr': '<i2', 'fortran_order': True, 'shape': (1, 2), }", [1, 0, 2, 0]), /bad\.npy: Fortran-order arrays are not supported: expected C order/],
    ['not a dict', handmade('[1, 2]', [1, 0, 2, 0]), /bad\.npy: malformed header: expected '\{'/],
    ['shape not a tuple', handmade("{'descr': '<i2', 'fortran_order': False, 'shape': 2, }", [1, 0, 2, 0]), /malformed header: expected a string, True, False or a tuple of integers/],
    ['non-ASCII header', handmade("{'descr': '<i2', 'fortran_order': False, 'shape': (2,), }\u00e9", [1, 0, 2, 0]), /non-ASCII byte 0xe9/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(() => parseNpy(bytes, 'bad.npy')).toThrow(message);
    });
  }
});

describe('npy writer', () => {
  const dtypeInfo: Record<NpyDtype, [number, number]> = {
    '|u1': [0, 255],
    '|i1': [-128, 127],
    '<i2': [-32768, 32767],
    '<u2': [0, 65535],
    '<i4': [-(2 ** 31), 2 ** 31 - 1],
    '<u4': [0, 2 ** 32 - 1],
  };
  const arb = fc
    .record({
      dtype: fc.constantFrom(...NPY_DTYPES),
      shape: fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
      version: fc.constantFrom<1 | 2 | undefined>(1, 2, undefined),
    })
    .chain(({ dtype, shape, version }) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const [lo, hi] = dtypeInfo[dtype];
      return fc
        .array(fc.bigInt({ min: BigInt(lo), max: BigInt(hi) }).map(Number), { minLength: n, maxLength: n })
        .map((values) => ({ arr: { dtype, shape, data: makeData[dtype](values) }, values, version }));
    });

  it('round-trips through the reader for every dtype, shape and version (property)', () => {
    fc.assert(
      fc.property(arb, ({ arr, values, version }) => {
        const bytes = encodeNpy(arr, 'p.npy', version);
        const back = parseNpy(bytes, 'p.npy');
        expect(back.dtype).toBe(arr.dtype);
        expect(back.shape).toEqual(arr.shape);
        expect(Array.from(back.data)).toEqual(values);
        // NumPy aligns the data to 64 bytes; the header length field says where it starts.
        const hl = bytes[6] === 1 ? bytes[8]! | (bytes[9]! << 8) : new DataView(bytes.buffer).getUint32(8, true);
        expect((hl + (bytes[6] === 1 ? 10 : 12)) % 64).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses data that does not match the declared dtype or shape', () => {
    expect(() => encodeNpy({ dtype: '<i4', shape: [2], data: new Int16Array(2) }, 'o.npy')).toThrow(/o\.npy: data is a Int16Array but the dtype is '<i4'/);
    const floats = new Float32Array(2) as unknown as Uint32Array;
    expect(() => encodeNpy({ dtype: '<u4', shape: [2], data: floats }, 'o.npy')).toThrow(/o\.npy: data is a Float32Array but the dtype is '<u4'/);
    expect(() => encodeNpy({ dtype: '<i2', shape: [3], data: new Int16Array(2) }, 'o.npy')).toThrow(/o\.npy: shape \(3\) holds 3 elements but the data has 2/);
  });
});
