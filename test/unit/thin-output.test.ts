/**
 * How a thin hook writes its output: straight to the descriptor, and, when the descriptor refuses (a full
 * non-blocking pipe, EAGAIN), the rest through the stream, in order and with no byte lost or doubled.
 * Real descriptors: a file, and a FIFO opened non-blocking on both ends and filled until it refuses.
 */
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { descriptorWriter } from '../../src/hook/thin-hook';

describe('thin hook output', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'thin-output-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes straight to the descriptor, without the stream', () => {
    const file = join(dir, 'out');
    const fd = openSync(file, 'w');
    const streamed: Uint8Array[] = [];
    const write = descriptorWriter(fd, () => ({ write: (c: Uint8Array) => streamed.push(c) }));
    write('first line ✓\n');
    write('second line\n');
    closeSync(fd);
    expect(readFileSync(file, 'utf8')).toBe('first line ✓\nsecond line\n');
    expect(streamed).toEqual([]);
  });

  it('hands the rest to the stream once a non-blocking pipe takes only part, and keeps to the stream after', () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      // Fill the pipe until it refuses a write.
      const block = Buffer.alloc(4096, 'x');
      let filled = 0;
      for (;;) {
        try {
          filled += writeSync(fd, block);
        } catch (e) {
          expect((e as NodeJS.ErrnoException).code).toBe('EAGAIN');
          break;
        }
      }
      // Make room for part of the text: the pipe takes two pages of it, then refuses the rest.
      const room = Buffer.alloc(8192);
      expect(readSync(reader, room)).toBe(room.length);
      const before = filled - room.length;
      const streamed: Buffer[] = [];
      const write = descriptorWriter(fd, () => ({ write: (c: Uint8Array) => streamed.push(Buffer.from(c)) }));
      const text = 'y'.repeat(10_000) + ' ✓\n';
      write(text);
      write('after\n');
      // What the pipe took plus what the stream got is the text, once, in order; the next write streams too.
      let piped = 0;
      const chunk = Buffer.alloc(65536);
      let got = '';
      for (;;) {
        let n = 0;
        try {
          n = readSync(reader, chunk);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw e;
        }
        if (n === 0) break;
        piped += n;
        got += chunk.subarray(0, n).toString('latin1');
      }
      const fromText = got.slice(before);
      expect(piped - before).toBe(fromText.length);
      expect(fromText.length).toBeGreaterThan(0);
      expect(fromText.length).toBeLessThan(text.length);
      expect(Buffer.concat([Buffer.from(fromText, 'latin1'), ...streamed]).toString()).toBe(`${text}after\n`);
      expect(streamed.length).toBe(2);
    } finally {
      closeSync(fd);
      closeSync(reader);
    }
  });
});
