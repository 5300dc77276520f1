import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { Frame } from '../../actors/sense/display/frame.js';
import { drawLeds, encodePng, ledBox } from '../../scripts/sense/png.js';
import { pictureFrames } from '../../scripts/sense/picture.js';

/** Python's own zlib and struct read the PNG back: signature, chunk CRCs, size, and the pixels asked for. */
function readWithPython(png: Buffer, points: [number, number][]): { width: number; height: number; pixels: number[][] } {
  const script = `
import binascii, json, struct, sys, zlib
data = sys.stdin.buffer.read()
assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'signature'
pos, chunks = 8, {}
while pos < len(data):
    (n,) = struct.unpack('>I', data[pos:pos+4]); kind = data[pos+4:pos+8]; body = data[pos+8:pos+8+n]
    (crc,) = struct.unpack('>I', data[pos+8+n:pos+12+n])
    assert binascii.crc32(kind + body) == crc, 'crc of ' + kind.decode()
    chunks[kind] = chunks.get(kind, b'') + body; pos += 12 + n
w, h, depth, colour = struct.unpack('>IIBB', chunks[b'IHDR'][:10])
assert (depth, colour) == (8, 2)
raw = zlib.decompress(chunks[b'IDAT']); stride = 1 + 3 * w
assert len(raw) == h * stride and all(raw[y * stride] == 0 for y in range(h))
points = json.loads(sys.argv[1])
print(json.dumps({'width': w, 'height': h, 'pixels': [list(raw[y*stride+1+3*x: y*stride+4+3*x]) for x, y in points]}))
`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(points)], { input: png }).toString());
}

test('the LED picture is a PNG any reader takes, each LED in its frame colour, unlit LEDs grey on a darker board', () => {
  const frame = new Frame().set(0, 0, [255, 0, 0]).set(7, 7, [0, 51, 255]).set(3, 4, [1, 2, 3]);
  const { width, height, rgb } = drawLeds([frame]);
  const centre = (x: number, y: number): [number, number] => {
    const box = ledBox(x, y);
    return [box.left + box.side / 2, box.top + box.side / 2];
  };
  const read = readWithPython(encodePng(width, height, rgb), [centre(0, 0), centre(7, 7), centre(3, 4), centre(5, 5), [0, 0], [ledBox(0, 0).left, ledBox(0, 0).top]]);
  expect(read).toEqual({
    width: 8 + 8 * 36,
    height: 8 + 8 * 36,
    pixels: [[255, 0, 0], [0, 51, 255], [1, 2, 3], [0x26, 0x26, 0x26], [0x12, 0x12, 0x12], [0x12, 0x12, 0x12]], // the corner is rounded off
  });
});

test('the picture in the README is what the renderer draws today (npm run sense-picture rewrites it)', () => {
  const committed = readFileSync(new URL('../../scripts/sense/piw-sense.png', import.meta.url));
  const { width, height, rgb } = drawLeds(pictureFrames());
  const idat = (png: Buffer) => {
    const parts: Buffer[] = [];
    for (let pos = 8; pos < png.length; ) {
      const n = png.readUInt32BE(pos);
      if (png.toString('ascii', pos + 4, pos + 8) === 'IDAT') parts.push(png.subarray(pos + 8, pos + 8 + n));
      pos += 12 + n;
    }
    return inflateSync(Buffer.concat(parts));
  };
  expect(idat(committed).equals(idat(encodePng(width, height, rgb)))).toBe(true);
});
