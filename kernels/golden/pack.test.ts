import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayerSpec, Precision } from './layer.ts';
import { channelConstraint, kernelConstraints, packBits, packChannels, unpackBits } from './pack.ts';

describe('packBits layout (facts/pulp-nn-mixed.md §3: LSB-first)', () => {
  it('4-bit: the even element in the low nibble', () => {
    expect(Array.from(packBits([0xa, 0x5, 0x0, 0xf], 4))).toEqual([0x5a, 0xf0]);
  });
  it('2-bit: element 4m at bits 1:0 ... 4m+3 at bits 7:6', () => {
    // crumbs 01, 10, 11, 00 -> 0b00_11_10_01
    expect(Array.from(packBits([1, 2, 3, 0], 2))).toEqual([0x39]);
  });
  it('signed values keep their low two\'s-complement bits', () => {
    expect(Array.from(packBits([-1, 1], 4, true))).toEqual([0x1f]);
    // -2 -> 10, -1 -> 11, 0 -> 00, 1 -> 01: 0b01_00_11_10
    expect(Array.from(packBits([-2, -1, 0, 1], 2, true))).toEqual([0x4e]);
    expect(Array.from(packBits([-128, 127, -1], 8, true))).toEqual([0x80, 0x7f, 0xff]);
  });
  it('a 32-bit word holds nibble j at bits [4j+3:4j]', () => {
    const bytes = packBits([0, 1, 2, 3, 4, 5, 6, 7], 4);
    expect(new DataView(bytes.buffer).getUint32(0, true)).toBe(0x76543210);
  });
  it('unpacks with zero or sign extension', () => {
    expect(Array.from(unpackBits(Uint8Array.of(0x5a, 0xf0), 4))).toEqual([0xa, 0x5, 0x0, 0xf]);
    expect(Array.from(unpackBits(Uint8Array.of(0x4e), 2, true))).toEqual([-2, -1, 0, 1]);
    expect(Array.from(unpackBits(Uint8Array.of(0x80), 8, true))).toEqual([-128]);
  });
});

describe('packBits / unpackBits round trip', () => {
  it('holds for every precision and signedness (property)', () => {
    const arb = fc
      .record({ bits: fc.constantFrom<Precision>(2, 4, 8), signed: fc.boolean(), groups: fc.integer({ min: 0, max: 40 }) })
      .chain(({ bits, signed, groups }) => {
        const lo = signed ? -(1 << (bits - 1)) : 0;
        const hi = signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
        const n = groups * (8 / bits);
        return fc.array(fc.integer({ min: lo, max: hi }), { minLength: n, maxLength: n }).map((values) => ({ bits, signed, values }));
      });
    fc.assert(
      fc.property(arb, ({ bits, signed, values }) => {
        const packed = packBits(values, bits, signed);
        expect(packed.length).toBe((values.length * bits) / 8);
        const back = signed ? unpackBits(packed, bits, true) : unpackBits(packed, bits);
        expect(Array.from(back)).toEqual(values);
      }),
    );
  });
  it('unpack then pack is the identity on bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.constantFrom<Precision>(2, 4, 8), fc.boolean(), (bytes, bits, signed) => {
        const values = signed ? unpackBits(bytes, bits, true) : unpackBits(bytes, bits);
        expect(Array.from(packBits(values, bits, signed))).toEqual(Array.from(bytes));
      }),
    );
  });
});

describe('packing constraints', () => {
  it('refuses counts that do not fill whole bytes and values out of range', () => {
    expect(() => packBits([1, 2, 3], 2)).toThrow(/cannot pack 3 2-bit values: the count must be a multiple of 4/);
    expect(() => packBits([1, 16], 4)).toThrow(/value 16 at index 1 is outside the 4-bit unsigned range \[0, 15\]/);
    expect(() => packBits([-3, 0, 0, 0], 2, true)).toThrow(/value -3 at index 0 is outside the 2-bit signed range \[-2, 1\]/);
    expect(() => packBits([1], 3 as Precision)).toThrow(/precision must be 2, 4 or 8 bits, got 3/);
  });
  it('channels must be a multiple of 2 for 4-bit and 4 for 2-bit (library README)', () => {
    expect(channelConstraint(6, 4)).toBeUndefined();
    expect(channelConstraint(3, 8)).toBeUndefined();
    expect(channelConstraint(3, 4)).toMatch(/channels \(3\) must be a multiple of 2 for 4-bit packing/);
    expect(channelConstraint(6, 2)).toMatch(/channels \(6\) must be a multiple of 4 for 2-bit packing/);
    expect(() => packChannels([1, 2, 3, 1, 2, 3], 3, 4)).toThrow(/channels \(3\) must be a multiple of 2/);
    // 2 pixels of 4 channels at 2 bits: one byte per pixel, the same as per-pixel packing
    expect(Array.from(packChannels([1, 2, 3, 0, 3, 3, 3, 3], 4, 2))).toEqual([0x39, 0xff]);
  });
  it('kernelConstraints lists every violation of a layer', () => {
    const spec: LayerSpec = {
      ifmap: { h: 4, w: 4, c: 6, bits: 2 },
      weights: { kh: 3, kw: 3, bits: 2 },
      ofmap: { c: 3, bits: 4 },
      stride: 1,
      padding: 1,
    };
    const v = kernelConstraints(spec);
    expect(v).toHaveLength(3);
    expect(v[0]).toMatch(/ifmap\.c \(6\) must be a multiple of 4 for 2-bit/);
    expect(v[1]).toMatch(/ofmap\.c \(3\) must be a multiple of 2 for 4-bit/);
    expect(v[2]).toMatch(/filter row length kh\*kw\*cin \(54\) must be a multiple of 4 for 2-bit/);
    expect(kernelConstraints({ ...spec, ifmap: { ...spec.ifmap, c: 32 }, ofmap: { c: 64, bits: 4 } })).toEqual([]);
  });
});
