// The expander of change records and snapshots (vcd_records.ts), run on the calling thread: expected texts are
// written out by hand from the VCD grammar (IEEE 1364-2005 §18.2: `<digit><code>`, `b<digits> <code>`, GTKWave's
// `s<text> <code>`; timestamps only before a cycle's first change).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { withTempDir } from './testkit.ts';
import { openVcd } from './vcd.ts';
import { makeVcdExpander, RECORD_CHANGE, RECORD_NO_TIME, RECORD_SNAPSHOT, RECORD_SNAPSHOT_ALL, type VcdRecordSpec } from './vcd_records.ts';

const ascii = (t: string): number[] => Array.from(t, (c) => c.charCodeAt(0));

/** Items: 0 a scalar '!', 1 an 8-bit vector '"', 2 a 2-bit enum '#' (IDLE, RUN), 3 a 32-bit vector '%'; slots 10..13. */
function spec(): VcdRecordSpec {
  const tails = ['!\n', ' "\n', ' #\n', ' %\n'];
  const modes = [0, 1, 2, 1];
  const masks = [1, 0xff, 3, -1]; // the enum is 2 bits wide
  const meta = new Int32Array(16);
  tails.forEach((t, i) => {
    const b = [...ascii(t), 0, 0, 0, 0, 0, 0, 0, 0];
    meta[4 * i] = masks[i]!;
    meta[4 * i + 1] = b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
    meta[4 * i + 2] = b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24);
    meta[4 * i + 3] = modes[i]! | (t.length << 8) | ((modes[i] === 1 ? 1 : 0) << 16);
  });
  return {
    meta,
    enumFirst: Int32Array.of(0, 0, 0, 0),
    enumCount: Int32Array.of(0, 0, 2, 0),
    nameOff: Int32Array.of(0, 4, 7),
    names: Uint8Array.from(ascii('IDLERUN')),
    slots: Int32Array.of(0, 1, 2, 3),
    lo: 10,
    span: 4,
  };
}

/** Builds a stream as the writer lays it out (snapshots aligned to 8 bytes). */
class Stream {
  bytes: number[] = [];
  text(t: string): this {
    this.bytes.push(...ascii(t));
    return this;
  }
  change(item: number, raw: number): this {
    const b = new Uint8Array(9);
    const dv = new DataView(b.buffer);
    b[0] = RECORD_CHANGE;
    dv.setInt32(1, raw, true);
    dv.setInt32(5, item, true);
    this.bytes.push(...b);
    return this;
  }
  snapshot(time: number, values: number[], all = false): this {
    this.bytes.push(all ? RECORD_SNAPSHOT_ALL : RECORD_SNAPSHOT);
    while (this.bytes.length % 8 !== 0) this.bytes.push(0xff);
    const b = new Uint8Array(8 + 4 * values.length);
    const dv = new DataView(b.buffer);
    dv.setFloat64(0, time, true);
    values.forEach((v, i) => dv.setUint32(8 + 4 * i, v, true));
    this.bytes.push(...b);
    return this;
  }
  noTime(): this {
    this.bytes.push(RECORD_NO_TIME);
    return this;
  }
}

function expand(s: Stream, outSize = 1 << 16): string {
  const x = makeVcdExpander(spec(), outSize);
  const src = Uint8Array.from(s.bytes);
  let text = '';
  x.expand(src, src.length, (out, n) => (text += Buffer.from(out.subarray(0, n)).toString('latin1')));
  expect(x.total()).toBe(text.length);
  return text;
}

it('expands change records between text', () => {
  const s = new Stream().text('#7\n').change(0, 1).change(1, 5).change(2, 1).change(2, 7).change(3, -2).change(1, 0x1ff).text('sadd $\n');
  expect(expand(s)).toBe('#7\n1!\nb101 "\nsRUN #\ns?3 #\nb11111111111111111111111111111110 %\nb11111111 "\nsadd $\n');
});

// The binary digits against JavaScript's own radix conversion (§18.2.3.5: a vector may drop leading zeros; 0 and 1
// are one digit), at every byte boundary and for random 32-bit values, as changes of the 32-bit item '%'.
it("writes a vector's digits without leading zeros, as toString(2) does", () => {
  const values = [0, 1, 2, 3, 127, 128, 255, 256, 257, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
  for (let k = 0; k < 32; k++) values.push(2 ** k, 2 ** k - 1);
  const check = (vs: number[]): void => {
    const s = new Stream();
    for (const v of vs) s.change(3, v | 0);
    expect(expand(s)).toBe(vs.map((v) => `b${v.toString(2)} %\n`).join(''));
  };
  check(values);
  fc.assert(fc.property(fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 50 }), check), { numRuns: 200 });
});

it('expands snapshots: all items first, then changes after a timestamp, probe lines after the timestamp', () => {
  const s = new Stream()
    .text('#0\n$dumpvars\n')
    .snapshot(-1, [0, 0xff, 0, 0x80000000], true)
    .text('$end\n')
    .snapshot(10, [0, 0xff, 0, 0x80000000]) // nothing changed: no timestamp
    .snapshot(20, [0, 0xff, 0, 0x80000000])
    .text('sfoo $\n') // a probe line of cycle 2: its timestamp first
    .snapshot(30, [1, 0xff, 1, 0x80000000])
    .snapshot(40, [1, 3, 1, 0x80000000])
    .text('sbar $\n')
    .snapshot(50, [1, 3, 1, 0x80000000])
    .noTime()
    .text('#60\n');
  expect(expand(s)).toBe(
    '#0\n$dumpvars\n0!\nb11111111 "\nsIDLE #\nb10000000000000000000000000000000 %\n$end\n' +
      '#20\nsfoo $\n#30\n1!\nsRUN #\n#40\nb11 "\nsbar $\n#60\n',
  );
});

it('hands its text over in pieces when it outgrows its buffer, and keeps timestamps past 2^31', () => {
  const s = new Stream();
  let want = '';
  for (let k = 0; k < 400; k++) {
    const t = 2 ** 32 + 10 * k;
    s.snapshot(t, [k & 1, k & 0xff, 0, k]);
    // The first snapshot equals the zeros the expander starts from: nothing to write. Then items 0, 1 and 3 change.
    if (k > 0) want += `#${t}\n${k & 1}!\nb${(k & 0xff).toString(2)} "\nb${k.toString(2)} %\n`;
  }
  expect(expand(s, 256)).toBe(want);
});

// Through the writer: items covering most of the slots they span go as snapshots, a few items of many slots as
// change records; both give the same text.
for (const [mode, slotB] of [
  ['snapshots', 1],
  ['change records', 99],
] as const) {
  it(`writes the same value changes with ${mode}`, () => {
    withTempDir((dir) => {
      const values = new Uint32Array(100);
      const path = join(dir, 'w.vcd');
      const w = openVcd(path, {
        signals: [
          { path: 'top.a', width: 1, kind: 'reg', slot: 0 },
          { path: 'top.b', width: 8, kind: 'wire', slot: slotB },
        ],
        values,
      });
      const drive = [
        [0, 0],
        [1, 0],
        [1, 0],
        [1, 0x5a],
      ];
      drive.forEach(([a, b], cycle) => {
        values[0] = a!;
        values[slotB] = b!;
        values[50] = cycle; // an untraced slot between them
        w.sample(cycle);
      });
      w.close();
      const text = readFileSync(path, 'latin1');
      expect(w.bytesWritten).toBe(text.length);
      expect(text.slice(text.indexOf('$enddefinitions $end\n') + 21)).toBe('#0\n$dumpvars\n0!\nb0 "\n$end\n#10\n1!\n#30\nb1011010 "\n#40\n');
    });
  });
}
