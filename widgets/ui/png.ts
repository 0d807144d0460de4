// A PNG encoder for small indexed-colour pictures, returned as a data: URI: the static heat map (SSR,
// before hydration, JS off) is one <image> of at most 48 × 48 cells instead of a <rect> per cell
// (2,304 elements and ~290 KB of HTML per map before). Written here, not taken from a library,
// because the browser has no synchronous PNG encoder and the libraries that have one bundle a
// deflate implementation (pako, fflate: 10–45 KB) for pictures that stay a few KB uncompressed:
// one byte per pixel through a palette, in "stored" deflate blocks (RFC 1951 §3.2.4), so the only
// arithmetic is the two checksums.

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const x of bytes) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const u32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];

function chunk(type: string, data: Uint8Array): number[] {
  const body = new Uint8Array(4 + data.length);
  for (let i = 0; i < 4; i++) body[i] = type.charCodeAt(i);
  body.set(data, 4);
  return [...u32(data.length), ...body, ...u32(crc32(body))];
}

/** A zlib stream of `raw` in stored (uncompressed) deflate blocks of at most 65,535 bytes. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const out: number[] = [0x78, 0x01];
  for (let at = 0; at < raw.length || at === 0; at += 65535) {
    const len = Math.min(65535, raw.length - at);
    const last = at + len >= raw.length ? 1 : 0;
    out.push(last, len & 255, len >>> 8, ~len & 255, (~len >>> 8) & 255);
    for (let i = at; i < at + len; i++) out.push(raw[i]);
    if (last) break;
  }
  out.push(...u32(adler32(raw)));
  return Uint8Array.from(out);
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/**
 * An 8-bit indexed PNG: `indices` holds width × height palette indices, rows top to bottom;
 * `palette` at most 256 RGB colours; `alpha[i]` (optional, default 255) the opacity of colour i.
 */
export function indexedPng(width: number, height: number, indices: ArrayLike<number>, palette: readonly (readonly [number, number, number])[], alpha: readonly number[] = []): Uint8Array {
  if (!(width >= 1 && height >= 1 && Number.isInteger(width) && Number.isInteger(height))) throw new RangeError(`indexedPng: width and height must be positive integers (got ${width} × ${height})`);
  if (indices.length !== width * height) throw new RangeError(`indexedPng: ${indices.length} indices for ${width} × ${height} pixels`);
  if (palette.length < 1 || palette.length > 256) throw new RangeError(`indexedPng: the palette has ${palette.length} colours (1–256)`);
  const header = Uint8Array.from([...u32(width), ...u32(height), 8, 3, 0, 0, 0]);
  const plte = Uint8Array.from(palette.flatMap(([r, g, b]) => [r, g, b]));
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const v = indices[y * width + x];
      raw[y * (width + 1) + 1 + x] = v >= 0 && v < palette.length ? v : 0;
    }
  }
  const bytes = [137, 80, 78, 71, 13, 10, 26, 10, ...chunk('IHDR', header), ...chunk('PLTE', plte)];
  if (alpha.length) bytes.push(...chunk('tRNS', Uint8Array.from(alpha.slice(0, palette.length))));
  bytes.push(...chunk('IDAT', zlibStored(raw)), ...chunk('IEND', new Uint8Array(0)));
  return Uint8Array.from(bytes);
}

/** `indexedPng` as a data: URI. */
export function indexedPngUri(...args: Parameters<typeof indexedPng>): string {
  return `data:image/png;base64,${base64(indexedPng(...args))}`;
}
