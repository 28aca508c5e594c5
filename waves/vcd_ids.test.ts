import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vcdIdCode } from './vcd_ids.ts';

/** Inverse written from the definition: first char from the 93 printable characters other than
 *  '$', then a bijective base-94 number over '!'..'~'. */
function decode(code: string): number {
  const lead = '!"#%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~';
  expect(lead.length).toBe(93);
  let q = 0;
  for (let i = code.length - 1; i >= 1; i--) q = q * 94 + (code.charCodeAt(i) - 33 + 1);
  return q * 93 + lead.indexOf(code[0]);
}

describe('VCD identifier codes', () => {
  it('starts at "!" and uses one character for the first 93 variables', () => {
    expect(vcdIdCode(0)).toBe('!');
    expect(vcdIdCode(2)).toBe('#');
    expect(vcdIdCode(3)).toBe('%'); // '$' is skipped as a first character
    expect(vcdIdCode(92)).toBe('~');
    expect(vcdIdCode(93)).toBe('!!');
  });

  it('codes are printable, never lead with $, and decode back to their index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => {
        const c = vcdIdCode(n);
        expect(c).toMatch(/^[\x21-\x7e]+$/);
        expect(c[0]).not.toBe('$');
        expect(c.length).toBeLessThanOrEqual(5);
        expect(decode(c)).toBe(n);
      }),
    );
  });

  it('the first 200000 codes are distinct', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200_000; i++) seen.add(vcdIdCode(i));
    expect(seen.size).toBe(200_000);
  });
});
