// The sink's file holds exactly the bytes written, in order, whether full buffers are written on the calling
// thread or handed to the writer thread (many more buffers than the writer's pool, so the hand-over waits for
// buffers to come back), and a failing write is reported naming the file.
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ByteSink } from './byte_sink.ts';
import { withTempDir } from './testkit.ts';

function fill(sink: ByteSink, total: number): Uint8Array {
  const want = new Uint8Array(total);
  for (let i = 0; i < total; i++) want[i] = (i * 131 + (i >>> 9)) & 0xff;
  // Uneven pieces, through both the hot-path protocol (direct stores up to `limit`) and bytes().
  let i = 0;
  while (i < total) {
    if (i % 3 === 0) {
      const n = Math.min(total - i, 1 + ((i * 7) % 5000));
      sink.bytes(want, i, n);
      i += n;
    } else {
      if (sink.pos > sink.limit) sink.flush();
      const n = Math.min(total - i, 1 + (i % 900));
      for (let j = 0; j < n; j++) sink.buf[sink.pos + j] = want[i + j]!;
      sink.pos += n;
      i += n;
    }
  }
  return want;
}

for (const background of [true, false]) {
  it(`keeps every byte in order (${background ? 'writer thread' : 'calling thread'})`, () => {
    withTempDir((dir) => {
      const path = join(dir, 'out.bin');
      const sink = new ByteSink(openSync(path, 'w'), path, 4096, background);
      const want = fill(sink, 300_000); // ~75 buffers, the writer's pool has 4
      expect(sink.bytesWritten).toBe(want.length);
      sink.close();
      sink.close(); // idempotent
      const got = readFileSync(path);
      expect(got.length).toBe(want.length);
      expect(Buffer.compare(got, Buffer.from(want))).toBe(0);
    });
  });

  it(`reports a failing write with the file's name (${background ? 'writer thread' : 'calling thread'})`, () => {
    withTempDir((dir) => {
      const path = join(dir, 'readonly.bin');
      writeFileSync(path, '');
      const fd = openSync(path, 'r'); // writes fail with EBADF
      const sink = new ByteSink(fd, path, 4096, background);
      expect(() => {
        fill(sink, 100_000);
        sink.close();
      }).toThrow(new RegExp(`cannot write to '${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}'`));
      // What was still buffered cannot be written either; the descriptor is released all the same.
      expect(() => sink.close()).toThrow(/cannot write to/);
      sink.close();
      expect(() => closeSync(fd)).toThrow(/EBADF/);
    });
  });
}

it('writes a file smaller than one buffer on the calling thread, and starts the writer thread only for a larger one', () => {
  withTempDir((dir) => {
    for (const [total, threaded] of [
      [1500, false], // below the buffer's limit (capacity minus the slack)
      [20_000, true],
    ] as const) {
      const path = join(dir, `out${total}.bin`);
      const sink = new ByteSink(openSync(path, 'w'), path, 4096, true);
      const want = fill(sink, total);
      sink.close();
      expect(sink.threaded).toBe(threaded);
      expect(Buffer.compare(readFileSync(path), Buffer.from(want))).toBe(0);
    }
  });
});
