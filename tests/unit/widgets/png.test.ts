// The static heat map's PNG, decoded independently: chunk CRCs by node:zlib's crc32, the image
// data by node:zlib's inflate, pixels through the PLTE/tRNS chunks, compared with gridPixels.
import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { indexedPng } from '../../../widgets/ui/png.ts';
import { gridImage, gridPixels, type Grid } from '../../../widgets/ui/color.ts';

/** Decodes an 8-bit indexed PNG (filter 0 rows) into RGBA, checking every chunk's CRC. */
function decode(png: Uint8Array) {
  const buf = Buffer.from(png);
  expect([...buf.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const chunks: Record<string, Buffer[]> = {};
  for (let at = 8; at < buf.length; ) {
    const len = buf.readUInt32BE(at);
    const type = buf.subarray(at + 4, at + 8).toString('latin1');
    const data = buf.subarray(at + 8, at + 8 + len);
    expect(buf.readUInt32BE(at + 8 + len), `CRC of ${type}`).toBe(crc32(buf.subarray(at + 4, at + 8 + len)));
    (chunks[type] ??= []).push(data);
    at += 12 + len;
  }
  const ihdr = chunks.IHDR[0];
  const [w, h] = [ihdr.readUInt32BE(0), ihdr.readUInt32BE(4)];
  expect([ihdr[8], ihdr[9]]).toEqual([8, 3]);
  expect(chunks.IEND).toHaveLength(1);
  const raw = inflateSync(Buffer.concat(chunks.IDAT)); // also checks the Adler-32
  expect(raw.length).toBe(h * (w + 1));
  const plte = chunks.PLTE[0];
  const trns = chunks.tRNS?.[0];
  const rgba = new Uint8Array(4 * w * h);
  for (let y = 0; y < h; y++) {
    expect(raw[y * (w + 1)]).toBe(0);
    for (let x = 0; x < w; x++) {
      const i = raw[y * (w + 1) + 1 + x];
      rgba.set([plte[3 * i], plte[3 * i + 1], plte[3 * i + 2], trns && i < trns.length ? trns[i] : 255], 4 * (y * w + x));
    }
  }
  return { w, h, rgba };
}

describe('indexed PNG', () => {
  it('round-trips pixels through palette and transparency', () => {
    const png = indexedPng(3, 2, [0, 1, 2, 2, 1, 0], [[0, 0, 0], [255, 0, 0], [10, 20, 30]], [0, 255, 128]);
    const { w, h, rgba } = decode(png);
    expect([w, h]).toEqual([3, 2]);
    expect(Array.from(rgba.slice(0, 12))).toEqual([0, 0, 0, 0, 255, 0, 0, 255, 10, 20, 30, 128]);
    expect(Array.from(rgba.slice(12, 16))).toEqual([10, 20, 30, 128]);
  });

  it('splits image data larger than one stored deflate block (65,535 bytes)', () => {
    const w = 400;
    const h = 300;
    const idx = Array.from({ length: w * h }, (_, i) => (i * 7) % 5);
    const { rgba } = decode(indexedPng(w, h, idx, [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4], [5, 5, 5]]));
    for (const p of [0, 16_383, 65_534, 98_765, w * h - 1]) expect(rgba[4 * p]).toBe(((p * 7) % 5) + 1);
  });

  it('refuses sizes that do not add up', () => {
    expect(() => indexedPng(2, 2, [0, 0, 0], [[0, 0, 0]])).toThrow(/3 indices for 2 × 2/);
    expect(() => indexedPng(0, 2, [], [[0, 0, 0]])).toThrow(/positive integers/);
    expect(() => indexedPng(1, 1, [0], [])).toThrow(/palette/);
  });
});

describe('gridImage (the static heat map)', () => {
  it('shows the same colours as the canvas, within one colour level, and NaN cells transparent', () => {
    const nx = 12;
    const ny = 9;
    const values = Array.from({ length: nx * ny }, (_, k) => (k === 17 ? Number.NaN : Math.sin(k / 7)));
    const grid: Grid = { nx, ny, values, x: [0, 1], y: [0, 1] };
    const spec = { domain: [-1, 1] as [number, number] };
    const uri = gridImage(grid, spec);
    expect(uri).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const { w, h, rgba } = decode(new Uint8Array(Buffer.from(uri.split(',')[1], 'base64')));
    expect([w, h]).toEqual([nx, ny]);
    const canvas = gridPixels(grid, spec);
    let worst = 0;
    for (let p = 0; p < nx * ny; p++) {
      expect(rgba[4 * p + 3]).toBe(canvas[4 * p + 3]);
      for (let c = 0; c < 3; c++) worst = Math.max(worst, Math.abs(rgba[4 * p + c] - canvas[4 * p + c]));
    }
    expect(worst).toBeLessThanOrEqual(3);
    // Cell k = 17 is (i = 5, j = 1): image row ny − 1 − 1.
    expect(rgba[4 * (5 + nx * (ny - 2)) + 3]).toBe(0);
  });

  it('stays a few KB at 48 × 48 cells', () => {
    const values = Array.from({ length: 48 * 48 }, (_, k) => k / 2304);
    expect(gridImage({ nx: 48, ny: 48, values, x: [0, 1], y: [0, 1] }, { domain: [0, 1] }).length).toBeLessThan(5000);
  });
});
