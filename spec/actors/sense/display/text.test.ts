import { GREY, hex } from '../../../../actors/sense/display/colour.js';
import { Frame } from '../../../../actors/sense/display/frame.js';
import { drawText, printable, scrollOffset, TEXT_ROWS, textStrip } from '../../../../actors/sense/display/text.js';

const picture = (rows: Uint8Array[], from = 0, width = rows[0]!.length) =>
  rows.map((r) => [...r.subarray(from, from + width)].map((b) => (b ? '#' : '.')).join(''));

test('text is drawn in seven rows of capitals, with a matrix-wide gap before and after', () => {
  const strip = textStrip('Hi');
  expect(TEXT_ROWS).toBe(7);
  expect(strip.rows).toHaveLength(7);
  expect(strip.width).toBe(8 + 5 + 1 + 5 + 8); // H, a column apart, I
  expect(picture(strip.rows, 8, 11)).toEqual([
    '#...#.#####',
    '#...#...#..',
    '#...#...#..',
    '#####...#..',
    '#...#...#..',
    '#...#...#..',
    '#...#.#####',
  ]);
  expect(picture(strip.rows, 0, 8)).toEqual(Array(7).fill('........'));
});

test('what the font lacks shows as ?', () => {
  expect(printable('pi4-01 Ω')).toBe('PI4-01 ?');
  expect(textStrip('é').rows).toEqual(textStrip('?').rows);
});

test('empty text is an empty matrix', () => {
  const strip = textStrip('');
  expect(strip.width).toBe(16);
  expect(scrollOffset(strip, 5)).toBe(5);
});

test('the text scrolls a column a frame until it has gone, then comes in again', () => {
  const strip = textStrip('I');
  expect(strip.width).toBe(21);
  const offsets = [0, 1, 12, 13, 14, 26].map((s) => scrollOffset(strip, s));
  expect(offsets).toEqual([0, 1, 12, 0, 1, 0]);
});

test('drawn text adds its light to the picture under it, leaving the eighth row alone', () => {
  const strip = textStrip('I');
  const frame = Frame.filled(hex('#000080'));
  drawText(frame, strip, 11, GREY); // the I is strip columns 8–12, its stem column 10: the matrix shows its right end
  expect(frame.get(0, 0)).toEqual([128, 128, 255]); // top bar
  expect(frame.get(1, 6)).toEqual([128, 128, 255]); // bottom bar
  expect(frame.get(0, 3)).toEqual([0, 0, 128]); // right of the stem
  expect(frame.get(2, 0)).toEqual([0, 0, 128]); // past the I
  for (let x = 0; x < 8; x++) expect(frame.get(x, 7)).toEqual([0, 0, 128]);
});
