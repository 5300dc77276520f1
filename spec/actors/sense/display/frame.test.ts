import { add, BLUE, hex, mix, pulse, RED, WHITE } from '../../../../actors/sense/display/colour.js';
import { Frame } from '../../../../actors/sense/display/frame.js';
import { matrixPixel, pictureDirection, rotateFrame, ROTATIONS } from '../../../../actors/sense/display/rotation.js';

describe('colours', () => {
  test('0.18’s #rgb and #rrggbb codes', () => {
    expect(hex('#333')).toEqual([0x33, 0x33, 0x33]);
    expect(hex('#760')).toEqual([0x77, 0x66, 0x00]);
    expect(hex('#ff8000')).toEqual([255, 128, 0]);
    expect(() => hex('blue')).toThrow('not a colour: blue');
  });

  test('mix goes from one colour to the other and no further; add saturates', () => {
    expect(mix(BLUE, WHITE, 0.5)).toEqual([127.5, 127.5, 255]);
    expect(mix(BLUE, WHITE, 2)).toEqual(WHITE);
    expect(mix(BLUE, WHITE, -1)).toEqual(BLUE);
    expect(add(RED, [200, 10, 0])).toEqual([255, 10, 0]);
  });

  test('a pulse of 15 shades climbs for 15 frames, holds, falls for 15 and holds again (0.18’s bounce)', () => {
    const shades = Array.from({ length: 32 }, (_, f) => Math.round(pulse(f, 15) * 14));
    expect(shades).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 1]);
  });
});

describe('frames', () => {
  test('pixels are stored row by row as rounded RGB bytes; off-matrix pixels are ignored', () => {
    const f = new Frame().set(1, 0, [10.4, 10.6, 300]).set(8, 0, WHITE).set(0, -1, WHITE);
    expect([...f.rgb.subarray(0, 6)]).toEqual([0, 0, 0, 10, 11, 255]);
    expect(f.get(1, 0)).toEqual([10, 11, 255]);
    expect(f.rgb.reduce((a, b) => a + b, 0)).toBe(10 + 11 + 255);
  });

  test('toHexRows shows the picture as 8 rows of 8', () => {
    const rows = Frame.filled(BLUE).set(7, 7, WHITE).toHexRows();
    expect(rows).toHaveLength(8);
    expect(rows[0]).toEqual(Array(8).fill('#0000ff'));
    expect(rows[7]![7]).toBe('#ffffff');
  });
});

describe('rotation', () => {
  test('each quarter turns the picture counter-clockwise on the matrix (pisense’s rot90)', () => {
    expect(matrixPixel(0, 0, 0)).toEqual([0, 0]);
    expect(matrixPixel(0, 0, 90)).toEqual([0, 7]);
    expect(matrixPixel(7, 0, 90)).toEqual([0, 0]);
    expect(matrixPixel(0, 0, 180)).toEqual([7, 7]);
    expect(matrixPixel(0, 0, 270)).toEqual([7, 0]);
    expect(matrixPixel(2, 3, 180)).toEqual([5, 4]);
  });

  test('rotating moves every pixel and loses none', () => {
    const picture = new Frame();
    for (let i = 0; i < 64; i++) picture.set(i % 8, Math.floor(i / 8), [i, 255 - i, 0]);
    for (const r of ROTATIONS) {
      const turned = rotateFrame(picture, r);
      for (let i = 0; i < 64; i++) {
        const [x, y] = [i % 8, Math.floor(i / 8)];
        const [px, py] = matrixPixel(x, y, r);
        expect(turned.get(px, py)).toEqual(picture.get(x, y));
      }
    }
  });

  test('the joystick turns with the picture: a key that points right on the picture reads as right', () => {
    for (const r of ROTATIONS) {
      // a step right on the picture lands on the matrix in the direction of the key that means "right"
      const [x0, y0] = matrixPixel(3, 3, r);
      const [x1, y1] = matrixPixel(4, 3, r);
      const key = x1 > x0 ? 'right' : x1 < x0 ? 'left' : y1 > y0 ? 'down' : 'up';
      expect({ r, d: pictureDirection(key, r) }).toEqual({ r, d: 'right' });
    }
    expect(pictureDirection('up', 90)).toBe('right');
    expect(pictureDirection('up', 270)).toBe('left');
    expect(pictureDirection('enter', 180)).toBe('enter');
  });
});
