import { acceptsGzip, chooseIndexType, parseAccept } from '../../../scripts/start/negotiation.js';

test('Accept headers parse into ranges with weights; a malformed weight counts as 0', () => {
  expect(parseAccept('text/html;q=0.5, Application/JSON , */*;q=abc')).toEqual([
    { type: 'text/html', q: 0.5, order: 0 },
    { type: 'application/json', q: 1, order: 1 },
    { type: '*/*', q: 0, order: 2 },
  ]);
  expect(parseAccept('a/b;q=1.5')[0]!.q).toBe(0);
});

test('the most specific range sets a form\'s weight: JSON named at q=0 is refused even under */*', () => {
  expect(chooseIndexType('application/vnd.pypi.simple.v1+json;q=0, */*')).toBe('text/html; charset=utf-8');
  expect(chooseIndexType('text/*;q=0.3, application/vnd.pypi.simple.latest+json;q=0.4')).toBe('application/vnd.pypi.simple.v1+json');
  expect(chooseIndexType('image/png')).toBe('text/html; charset=utf-8'); // nothing served is acceptable: HTML
});

test('gzip is taken when named (or under *) with a weight above 0', () => {
  expect(acceptsGzip('gzip, deflate')).toBe(true);
  expect(acceptsGzip('br;q=1, *;q=0.1')).toBe(true);
  expect(acceptsGzip('gzip;q=0, *')).toBe(false);
  expect(acceptsGzip('identity')).toBe(false);
  expect(acceptsGzip(undefined)).toBe(false);
});
