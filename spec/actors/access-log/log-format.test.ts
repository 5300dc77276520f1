import { compileLogFormat, NAMED_FORMATS } from '../../../actors/access-log/log-format.js';
import { LoggerError } from '../../../actors/access-log/errors.js';

const UA = 'Mozilla/5.0 (X11; Linux armv7l) Firefox/68.0';

describe('compileLogFormat: the short-cuts', () => {
  it('parses the combined format (the default), converting a +0100 time to UTC', () => {
    const parser = compileLogFormat('combined');
    const line = `1.2.3.4 - - [10/Oct/2000:13:55:36 +0100] "GET /simple/foo/ HTTP/1.1" 200 2326 "http://example.com/" "${UA}"`;
    expect(parser.parse(line)).toEqual({
      host: '1.2.3.4',
      time: Date.UTC(2000, 9, 10, 12, 55, 36),
      path: '/simple/foo/',
      status: 200,
      userAgent: UA,
    });
    expect(parser.format).toBe(NAMED_FORMATS.combined);
    expect(parser.hasUserAgent).toBe(true);
  });

  it('converts negative offsets forward to UTC', () => {
    const line = `1.2.3.4 - frank [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "${UA}"`;
    expect(compileLogFormat('combined').parse(line)?.time).toBe(Date.UTC(2000, 9, 10, 20, 55, 36));
  });

  it('parses IPv6 client addresses', () => {
    const line = `2001:db8::ff00:42:8329 - - [01/Jan/2021:00:00:00 +0000] "GET /faq.html HTTP/2.0" 200 10 "-" "${UA}"`;
    expect(compileLogFormat('combined').parse(line)?.host).toBe('2001:db8::ff00:42:8329');
  });

  it('parses the common format, which has no User-Agent', () => {
    const parser = compileLogFormat('common');
    expect(parser.hasUserAgent).toBe(false);
    expect(parser.parse('10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /index.html HTTP/1.1" 200 -')).toEqual({
      host: '10.0.0.1',
      time: Date.UTC(2000, 9, 10, 13, 55, 36),
      path: '/index.html',
      status: 200,
      userAgent: null,
    });
  });

  it('parses the common_vhost format (virtual host first)', () => {
    const parsed = compileLogFormat('common_vhost').parse('www.piwheels.org 10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /project/foo/ HTTP/1.1" 404 12');
    expect(parsed).toMatchObject({ host: '10.0.0.1', path: '/project/foo/', status: 404 });
  });

  it("parses Debian's vhost_combined format", () => {
    const line = `www.piwheels.org:443 10.0.0.1 - - [10/Oct/2000:13:55:36 +0000] "GET /simple/ HTTP/1.1" 200 99 "-" "pip/20.0"`;
    expect(compileLogFormat('vhost_combined').parse(line)).toMatchObject({ host: '10.0.0.1', path: '/simple/', userAgent: 'pip/20.0' });
  });
});

describe('compileLogFormat: quoted fields and escapes', () => {
  const parser = compileLogFormat('combined');
  const withUA = (ua: string) => `1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "${ua}"`;

  it('undoes \\" and \\\\ in the User-Agent', () => {
    expect(parser.parse(withUA('a \\"quoted\\" UA with a \\\\ backslash'))?.userAgent).toBe('a "quoted" UA with a \\ backslash');
  });

  it('decodes \\xNN escapes, runs of high bytes as UTF-8', () => {
    expect(parser.parse(withUA('caf\\xc3\\xa9 \\x01 tab\\there'))?.userAgent).toBe('café \u0001 tab\there');
  });

  it('keeps an escaped backslash before an x as written text', () => {
    expect(parser.parse(withUA('C:\\\\x41'))?.userAgent).toBe('C:\\x41');
  });

  it('reads pip JSON escaped by Apache', () => {
    const parsed = parser.parse(withUA('pip/20.0 {\\"cpu\\":\\"armv7l\\",\\"python\\":\\"3.7.3\\"}'));
    expect(parsed?.userAgent).toBe('pip/20.0 {"cpu":"armv7l","python":"3.7.3"}');
  });

  it('reads escaped quotes in the request line', () => {
    const line = `1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET /a\\"b.html HTTP/1.1" 200 1 "-" "${UA}"`;
    expect(parser.parse(line)?.path).toBe('/a"b.html');
  });

  it('treats a logged "-" as no User-Agent', () => {
    expect(parser.parse(withUA('-'))?.userAgent).toBeNull();
  });

  it('drops the query string and takes the path of an absolute-form request', () => {
    const line = (target: string) => `1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET ${target} HTTP/1.1" 200 1 "-" "${UA}"`;
    expect(parser.parse(line('/simple/foo/?x=1#y'))?.path).toBe('/simple/foo/');
    expect(parser.parse(line('http://www.piwheels.org/faq.html?x'))?.path).toBe('/faq.html');
    expect(parser.parse(line('http://www.piwheels.org'))?.path).toBe('/');
  });

  it('accepts an HTTP/0.9 request line without protocol', () => {
    expect(parser.parse(`1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET /faq.html" 200 1 "-" "${UA}"`)?.path).toBe('/faq.html');
  });
});

describe('compileLogFormat: malformed lines', () => {
  const parser = compileLogFormat('combined');
  const good = `1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 1 "-" "${UA}"`;

  it.each([
    ['an empty line', ''],
    ['a truncated line', good.slice(0, 60)],
    ['trailing text', `${good} extra`],
    ['an unterminated quoted field', good.slice(0, -1)],
    ['a bad month', good.replace('Oct', 'Okt')],
    ['a time without zone', good.replace(' +0000', '')],
    ['a non-numeric status', good.replace(' 200 ', ' OK! ')],
    ['a request line with no target', good.replace('"GET / HTTP/1.1"', '"-"')],
    ['a missing client address', good.replace('1.2.3.4', '-')],
    ['garbage', 'not a log line at all'],
  ])('returns undefined for %s', (_, line) => {
    expect(parser.parse(line)).toBeUndefined();
  });

  it('keeps parsing correctly after a malformed line', () => {
    expect(parser.parse('garbage')).toBeUndefined();
    expect(parser.parse(good)?.status).toBe(200);
  });
});

describe('compileLogFormat: LogFormat strings', () => {
  it('takes the final status (%>s) over the original (%s)', () => {
    const parser = compileLogFormat('%h %t "%r" %s %>s "%{User-Agent}i"');
    expect(parser.parse('1.2.3.4 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 302 200 "x"')?.status).toBe(200);
  });

  it('matches the User-Agent header name in any case and skips other headers, conditions and modifiers', () => {
    const parser = compileLogFormat('%h %l %u %t "%r" %>s %b "%!200,304{Referer}i" "%400,501{user-agent}i" %D %{X-Forwarded-For}i');
    const parsed = parser.parse('1.2.3.4 - - [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/7.64.0" 1234 10.1.1.1');
    expect(parsed).toMatchObject({ host: '1.2.3.4', userAgent: 'curl/7.64.0', status: 200 });
  });

  it('uses %a when the format has no %h', () => {
    const parser = compileLogFormat('%a %t "%r" %>s "%{User-Agent}i"');
    expect(parser.parse('::1 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200 "x"')?.host).toBe('::1');
  });

  it('reads the path from %U and its query from %q', () => {
    const parser = compileLogFormat('%h %t %m %U%q %>s "%{User-Agent}i"');
    const line = (path: string) => `1.2.3.4 [10/Oct/2000:13:55:36 +0000] GET ${path} 200 "x"`;
    expect(parser.parse(line('/simple/foo/?a=b'))?.path).toBe('/simple/foo/');
    expect(parser.parse(line('/simple/foo/'))?.path).toBe('/simple/foo/');
  });

  it('reads a strftime time with a zone (%{…}t)', () => {
    const parser = compileLogFormat('%h [%{%Y-%m-%d %H:%M:%S %z}t] "%r" %>s "%{User-Agent}i"');
    const parsed = parser.parse('1.2.3.4 [2020-09-15 13:00:00 +0100] "GET / HTTP/1.1" 200 "x"');
    expect(parsed?.time).toBe(Date.UTC(2020, 8, 15, 12, 0, 0));
  });

  it("reads Apache's split time example with milliseconds", () => {
    const parser = compileLogFormat('%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s "%{User-Agent}i"');
    const parsed = parser.parse('1.2.3.4 [10/Oct/2000 13:55:36.123 -0700] "GET / HTTP/1.1" 200 "x"');
    expect(parsed?.time).toBe(Date.UTC(2000, 9, 10, 20, 55, 36, 123));
  });

  it('reads a strftime time without a zone as local time', () => {
    const parser = compileLogFormat('%h %{%Y-%m-%dT%T}t "%r" %>s "%{User-Agent}i"');
    const parsed = parser.parse('1.2.3.4 2020-09-15T13:00:00 "GET / HTTP/1.1" 200 "x"');
    expect(parsed?.time).toBe(new Date(2020, 8, 15, 13, 0, 0).getTime());
  });

  it('reads epoch times (%{sec}t, %{msec}t) and 12-hour clocks', () => {
    const sec = compileLogFormat('%h %{sec}t "%r" %>s "%{User-Agent}i"');
    expect(sec.parse('1.2.3.4 971186136 "GET / HTTP/1.1" 200 "x"')?.time).toBe(971186136000);
    const msec = compileLogFormat('%h %{begin:msec}t "%r" %>s "%{User-Agent}i"');
    expect(msec.parse('1.2.3.4 971186136789 "GET / HTTP/1.1" 200 "x"')?.time).toBe(971186136789);
    const twelve = compileLogFormat('%h [%{%a %d %B %Y %r %z}t] "%r" %>s "%{User-Agent}i"');
    expect(twelve.parse('1.2.3.4 [Tue 10 October 2000 01:55:36 PM +0000] "GET / HTTP/1.1" 200 "x"')?.time).toBe(
      Date.UTC(2000, 9, 10, 13, 55, 36),
    );
  });

  it('understands backslash escapes in the format string itself', () => {
    const parser = compileLogFormat('%h %t \\"%r\\" %>s\\t\\"%{User-Agent}i\\"');
    expect(parser.parse('1.2.3.4 [10/Oct/2000:13:55:36 +0000] "GET / HTTP/1.1" 200\t"x"')?.userAgent).toBe('x');
  });

  it('allows an unquoted request line at the very end', () => {
    const parser = compileLogFormat('%h %t %>s %r');
    expect(parser.parse('1.2.3.4 [10/Oct/2000:13:55:36 +0000] 200 GET /faq.html HTTP/1.1')?.path).toBe('/faq.html');
  });
});

describe('compileLogFormat: bad formats fail with a clear message', () => {
  it.each([
    ['%h %t "%r" %>s %Z', /%Z is not a directive piw-logger supports/],
    ['%h %t "%r" %>s %{User-Agent', /has no closing \}/],
    ['%h %t "%r" %>s %', /not a complete directive/],
    ['%h %t "%r" %>s %i', /%i needs a \{name\}/],
    ['%h %t %r %>s', /%r must be written in quotes/],
    ['%h %t "%r" %>s %{User-Agent}i %b', /%\{User-Agent\}i must be written in quotes/],
    ['%h %t "%r" %>s %b%D', /nothing between them/],
    ['%l %t "%r" %>s', /no %h \(or %a\)/],
    ['%h "%r" %>s', /no %t/],
    ['%h %t %>s', /no "%r" \(or %U\)/],
    ['%h %t "%r"', /no %>s \(or %s\)/],
    ['%h %{%Y %Q}t "%r" %>s', /uses %Q, which piw-logger does not support/],
  ])('rejects %j', (format, message) => {
    let error: unknown;
    try {
      compileLogFormat(format);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(LoggerError);
    expect((error as LoggerError).code).toBe('PIW_ERR_LOG_FORMAT');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(JSON.stringify(format));
  });
});
