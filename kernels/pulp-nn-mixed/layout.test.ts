// Placement of a layer in memory and the limits checked before a run.
import { describe, expect, it } from 'vitest';
import { generateLayer, referenceLayerShape } from '../golden/generate.ts';
import { DESCRIPTOR_BYTES, DESCRIPTOR_FIELDS, descOffset, encodeDescriptor } from './descriptor.ts';
import { runLayer } from './harness.ts';
import { DEFAULT_L1_BYTES, LayerLimitError, l1Footprint, layerImage, layerLimits, packThresholds } from './layout.ts';

const ref = referenceLayerShape();

describe('layer limits', () => {
  it('GAP-8 L1 is 64 KiB', () => {
    expect(DEFAULT_L1_BYTES).toBe(65536);
  });

  it('refuses channel counts the packing does not allow, naming the field', () => {
    const layer = generateLayer({ inBits: 4, wBits: 8, outBits: 2, h: 3, w: 3, cin: 3, cout: 6, kh: 1, kw: 1, stride: 1, padding: 0, seed: 1 });
    const why = layerLimits(layer.spec, 1);
    expect(why.join('\n')).toMatch(/ifmap\.c \(3\) must be a multiple of 2/);
    expect(why.join('\n')).toMatch(/ofmap\.c \(6\) must be a multiple of 4/);
    expect(() => runLayer(layer)).toThrow(LayerLimitError);
  });

  it('refuses filter rows that do not fill whole bytes', () => {
    // a 1x1 filter over 2 channels of 2-bit weights is a 4-bit row
    const layer = generateLayer({ inBits: 4, wBits: 2, outBits: 8, h: 2, w: 2, cin: 2, cout: 4, kh: 1, kw: 1, stride: 1, padding: 0, seed: 1 });
    expect(layerLimits(layer.spec, 1).join('\n')).toMatch(/filter row length kh\*kw\*cin \(2\) must be a multiple of 4/);
  });

  it('refuses layers larger than the L1, saying how many bytes they need', () => {
    const layer = generateLayer({ inBits: 8, wBits: 8, outBits: 8, ...ref, cin: 64, cout: 64, seed: 1 });
    // x 16*16*64 + w 64*576 + out 16*16*64 = 16384 + 36864 + 16384 > 65536
    const why = layerLimits(layer.spec, 1);
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/^L1: the layer needs \d+ bytes .* but the L1 holds 65536$/);
    expect(() => runLayer(layer)).toThrow(/L1: the layer needs/);
    expect(layerLimits(layer.spec, 1, 1 << 20)).toEqual([]);
  });

  it('the reference layer fits for 8 cores at any precision', () => {
    // 8192 + 18432 + 16384 (8-bit x, w, y) + 2*256 kappa/lambda + 8 im2col buffers of 576 + the descriptor
    const layer = generateLayer({ inBits: 8, wBits: 8, outBits: 8, ...ref, seed: 1 });
    expect(l1Footprint(layer.spec, 8)).toBe(8192 + 18432 + 16384 + 512 + 8 * 576 + DESCRIPTOR_BYTES);
    expect(layerLimits(layer.spec, 8)).toEqual([]);
  });
});

describe('memory image', () => {
  it('descriptor fields are consecutive little-endian words', () => {
    const d = Object.fromEntries(DESCRIPTOR_FIELDS.map((f, i) => [f, i === 0 ? 0x80001234 : i * 3])) as Record<(typeof DESCRIPTOR_FIELDS)[number], number>;
    const bytes = encodeDescriptor(d);
    expect(bytes.length).toBe(4 * DESCRIPTOR_FIELDS.length);
    expect(Array.from(bytes.slice(0, 4))).toEqual([0x34, 0x12, 0x00, 0x80]);
    const v = new DataView(bytes.buffer);
    expect(v.getUint32(descOffset('shift'), true)).toBe(3 * DESCRIPTOR_FIELDS.indexOf('shift'));
    expect(() => encodeDescriptor({ ...d, kh: 2 ** 32 })).toThrow(/kh/);
  });

  it('thresholds get a 16-entry (4-bit) or 4-entry (2-bit) stride with a zero pad', () => {
    const t = new Int16Array([-5, 1, 300, 7, 8, -9]);
    expect(Array.from(new Int16Array(packThresholds(t, 2, 2).buffer))).toEqual([-5, 1, 300, 0, 7, 8, -9, 0]);
    const t4 = new Int16Array(15).map((_, k) => k * 10 - 70);
    const p4 = new Int16Array(packThresholds(t4, 1, 4).buffer);
    expect(p4.length).toBe(16);
    expect(p4[14]).toBe(70);
    expect(p4[15]).toBe(0);
  });

  it('packs the ifmap LSB-first and weights as two\'s complement, blocks word-aligned', () => {
    const layer = generateLayer({ inBits: 2, wBits: 4, outBits: 8, h: 1, w: 1, cin: 4, cout: 1, kh: 1, kw: 1, stride: 1, padding: 0, seed: 3 });
    layer.x.set([1, 2, 3, 0]);
    layer.w.set([-1, 7, -8, 0]);
    const img = layerImage(layer, { base: 0x1000, cores: 2 });
    const block = (n: string): Uint8Array => img.blocks.find((b) => b.name === n)!.bytes;
    expect(Array.from(block('x'))).toEqual([0b00_11_10_01]);
    expect(Array.from(block('w'))).toEqual([0x7f, 0x08]);
    for (const b of img.blocks) expect(b.addr % 4).toBe(0);
    expect(img.descriptorAddr).toBe(0x1000);
    expect(img.blocks.find((b) => b.name === 'im2col')!.bytes.length).toBe(2 * 4 * 2);
  });
});
