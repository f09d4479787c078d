// Small files that cost a lot to read: the inputs of the data budget (SECURITY.md, "Limits"). Each is
// built without ever holding what it decodes to, so the tests stay small in memory and on disk.
import { constants, crc32, deflateRawSync } from 'node:zlib';
import jpeg from 'jpeg-js';

function pngChunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type, 'latin1'), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** PNG colour types: 0 gray, 2 RGB, 6 RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

/**
 * A valid PNG of `width` x `height` black pixels: one compressed block of zero scanlines repeated
 * (each flushed, so the copies chain into one stream), so 4096 x 4096 is a few tens of KB.
 */
export function blackPng(width: number, height: number, colorType: 0 | 2 | 4 | 6 = 0, bitDepth: 8 | 16 = 8): Buffer {
  const rowBytes = 1 + (width * CHANNELS[colorType] * bitDepth) / 8;
  const rowsPerBlock = Math.max(1, Math.min(height, Math.floor((1 << 20) / rowBytes)));
  const block = deflateRawSync(Buffer.alloc(rowBytes * rowsPerBlock), { finishFlush: constants.Z_FULL_FLUSH });
  const blocks = Math.floor(height / rowsPerBlock);
  const rest = Buffer.alloc(rowBytes * (height - blocks * rowsPerBlock));
  const total = rowBytes * height;
  // Adler-32 of `total` zero bytes: a stays 1, b adds 1 per byte.
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((total % 65521) << 16) | 1) >>> 0, 0);
  const zlib = Buffer.concat([Buffer.from([0x78, 0x01]), ...Array<Buffer>(blocks).fill(block), deflateRawSync(rest), adler]);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * A JPEG whose one scan is repeated `scans` times: every copy is a full pass of the decoder over the
 * image, the cost of a progressive JPEG with thousands of scans.
 */
export function manyScanJpeg(width: number, height: number, scans: number): Buffer {
  const data = Buffer.alloc(width * height * 4, 128);
  const baseline = Buffer.from(jpeg.encode({ data, width, height }, 50).data);
  const sos = baseline.indexOf(Buffer.from([0xff, 0xda]));
  const eoi = baseline.lastIndexOf(Buffer.from([0xff, 0xd9]));
  const scan = baseline.subarray(sos, eoi);
  return Buffer.concat([baseline.subarray(0, sos), ...Array<Buffer>(scans).fill(scan), baseline.subarray(eoi)]);
}
