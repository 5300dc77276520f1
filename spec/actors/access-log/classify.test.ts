import { classify, pageName, productToken } from '../../../actors/access-log/classify.js';
import type { LogLine } from '../../../actors/access-log/log-format.js';
import { pipUserData } from '../../../actors/access-log/pip-user-agent.js';

const TIME = Date.UTC(2020, 8, 15, 12, 0, 0);
const BROWSER = 'Mozilla/5.0 (X11; Linux armv7l) Firefox/68.0';
const PIP = 'pip/20.0.2';
const NO_JSON = [null, null, null, null, null, 'CPython', null, null, null, null];

function line(path: string, userAgent: string | null = BROWSER, status = 200): LogLine {
  return { host: '1.2.3.4', time: TIME, path, status, userAgent };
}

const verbOf = (l: LogLine) => classify(l)?.verb;

describe('classify: which lines count (web-templates/README.md §7)', () => {
  it('ignores any status but exactly 200', () => {
    for (const status of [201, 206, 304, 404, 500]) expect(classify(line('/faq.html', BROWSER, status))).toBeUndefined();
  });

  it('ignores lines without a User-Agent', () => {
    expect(classify(line('/faq.html', null))).toBeUndefined();
    expect(classify(line('/simple/foo/foo-1.0-py3-none-any.whl', null))).toBeUndefined();
  });
});

describe('classify: the rules, first match wins', () => {
  it('rule 1: pip on /simple/ is ignored', () => expect(verbOf(line('/simple/', PIP))).toBeUndefined());
  it('rule 2: /project/ is ignored, whoever asks', () => {
    expect(verbOf(line('/project/'))).toBeUndefined();
    expect(verbOf(line('/project/', PIP))).toBeUndefined();
  });
  it('rule 3: pip fetching /simple/*.whl is a download', () => {
    expect(verbOf(line('/simple/foo/foo-1.0-py3-none-any.whl', PIP))).toBe('LOGDOWNLOAD');
  });
  it('rule 3: a wheel fetched by anything but pip is not recorded', () => {
    expect(verbOf(line('/simple/foo/foo-1.0-py3-none-any.whl', 'Wget/1.20.3 (linux-gnu)'))).toBeUndefined();
  });
  it('rule 4: pip on any other /simple/* path is a search', () => {
    expect(verbOf(line('/simple/foo/', PIP))).toBe('LOGSEARCH');
    expect(verbOf(line('/simple/foo/index.html', PIP))).toBe('LOGSEARCH');
  });
  it('rules 5 and 6: /project/*/json/ and /project/*/json/index.json are JSON hits', () => {
    expect(verbOf(line('/project/foo/json/'))).toBe('LOGJSON');
    expect(verbOf(line('/project/foo/json/index.json'))).toBe('LOGJSON');
    expect(verbOf(line('/project/foo/json/', PIP))).toBe('LOGJSON');
  });
  it('rule 7: other /project/* paths are project hits (tested after the JSON rules)', () => {
    expect(verbOf(line('/project/foo/'))).toBe('LOGPROJECT');
    expect(verbOf(line('/project/foo/json'))).toBe('LOGPROJECT');
    expect(verbOf(line('/project/json/'))).toBe('LOGPROJECT');
    expect(verbOf(line('/project/foo/index.html'))).toBe('LOGPROJECT');
  });
  it('rules 8 and 9: / and /*.html are page hits', () => {
    expect(verbOf(line('/'))).toBe('LOGPAGE');
    expect(verbOf(line('/faq.html'))).toBe('LOGPAGE');
    expect(verbOf(line('/a/b/c.html', PIP))).toBe('LOGPAGE');
  });
  it('a non-pip request under /simple/ falls through: a directory is ignored, an .html file is a page', () => {
    expect(verbOf(line('/simple/foo/'))).toBeUndefined();
    expect(verbOf(line('/simple/'))).toBeUndefined();
    expect(verbOf(line('/simple/foo/index.html'))).toBe('LOGPAGE');
  });
  it('globs are case-sensitive and need their whole shape', () => {
    expect(verbOf(line('/Simple/foo/', PIP))).toBeUndefined();
    expect(verbOf(line('/simple/foo/', 'PIP/20.0'))).toBeUndefined();
    expect(verbOf(line('/faq.HTML'))).toBeUndefined();
    expect(verbOf(line('/packages.json'))).toBeUndefined();
    expect(verbOf(line('/simple'))).toBeUndefined();
  });
});

describe('classify: fields', () => {
  it('a download: the last path component, host, UTC time and the pip JSON fields', () => {
    const ua =
      'pip/20.0.2 {"ci":null,"cpu":"armv7l","distro":{"id":"buster","libc":{"lib":"glibc","version":"2.28"},"name":"Raspbian GNU/Linux","version":"10"},' +
      '"implementation":{"name":"CPython","version":"3.7.3"},"installer":{"name":"pip","version":"20.0.2"},"openssl_version":"OpenSSL 1.1.1d  10 Sep 2019",' +
      '"python":"3.7.3","setuptools_version":"44.0.0","system":{"name":"Linux","release":"4.19.97-v7+"}}';
    expect(classify(line('/simple/numpy/numpy-1.18.1-cp37-cp37m-linux_armv7l.whl', ua))).toEqual({
      verb: 'LOGDOWNLOAD',
      data: [
        'numpy-1.18.1-cp37-cp37m-linux_armv7l.whl',
        '1.2.3.4',
        new Date(TIME),
        'armv7l',
        'Raspbian GNU/Linux',
        '10',
        'Linux',
        '4.19.97-v7+',
        'CPython',
        '3.7.3',
        'pip',
        '20.0.2',
        '44.0.0',
      ],
    });
  });

  it('a percent-encoded wheel name is decoded', () => {
    const msg = classify(line('/simple/foo/foo-1.0%2Blocal-py3-none-any.whl', PIP));
    expect(msg?.data[0]).toBe('foo-1.0+local-py3-none-any.whl');
  });

  it('a search: the canonicalised third path segment; a pip UA without JSON gives CPython and nulls', () => {
    expect(classify(line('/simple/Foo_Bar.baz/', PIP))).toEqual({ verb: 'LOGSEARCH', data: ['foo-bar-baz', '1.2.3.4', new Date(TIME), ...NO_JSON] });
  });

  it('a project hit keeps the full User-Agent and canonicalises the package', () => {
    expect(classify(line('/project/Flask/'))).toEqual({ verb: 'LOGPROJECT', data: ['flask', '1.2.3.4', new Date(TIME), BROWSER] });
  });

  it('a JSON hit keeps only the lower-cased product token', () => {
    expect(classify(line('/project/Flask/json/', 'Wget/1.20.3 (linux-gnu)'))?.data).toEqual(['flask', '1.2.3.4', new Date(TIME), 'wget']);
    expect(classify(line('/project/flask/json/index.json', 'python-requests/2.22.0'))?.data[3]).toBe('python-requests');
    expect(productToken('curl')).toBe('curl');
  });

  it('page names: home for / and /index.html, else the path without slashes and .html', () => {
    expect(classify(line('/'))?.data[0]).toBe('home');
    expect(classify(line('/index.html'))?.data[0]).toBe('home');
    expect(classify(line('/faq.html'))?.data).toEqual(['faq', '1.2.3.4', new Date(TIME), BROWSER]);
    expect(pageName('/docs/stats.html')).toBe('docsstats');
  });

  it('keeps IPv6 hosts as text', () => {
    expect(classify({ ...line('/'), host: '2001:db8::1' })?.data[1]).toBe('2001:db8::1');
  });
});

describe('pipUserData: the ten download fields and their defaults', () => {
  it('takes implementation name and version when present', () => {
    const ua = 'pip/19.3 {"implementation":{"name":"PyPy","version":"7.3.1"},"python":"3.6.9"}';
    expect(pipUserData(ua).slice(5, 7)).toEqual(['PyPy', '7.3.1']);
  });

  it('without implementation: CPython and the top-level python version', () => {
    expect(pipUserData('pip/9.0.1 {"python":"2.7.13","cpu":"armv6l"}')).toEqual(['armv6l', null, null, null, null, 'CPython', '2.7.13', null, null, null]);
  });

  it('an implementation without name or version gives nulls, not the defaults', () => {
    expect(pipUserData('pip/20 {"implementation":{},"python":"3.7"}').slice(5, 7)).toEqual([null, null]);
  });

  it.each([
    ['no JSON', 'pip/20.0.2'],
    ['broken JSON', 'pip/20.0.2 {"cpu": '],
    ['JSON followed by other text', 'pip/20.0.2 {"cpu":"armv7l"} extra'],
  ])('%s counts as an empty object', (_, ua) => {
    expect(pipUserData(ua)).toEqual(NO_JSON);
  });

  it('replaces a lone surrogate spelled in the JSON with U+FFFD, keeping real pairs', () => {
    expect(pipUserData('pip/20 {"distro":{"name":"bad \\ud800 good \\ud83d\\ude00"}}')[1]).toBe('bad \ufffd good 😀');
  });

  it('writes numbers as text and leaves out objects where text belongs', () => {
    expect(pipUserData('pip/20 {"distro":{"name":"Fedora","version":32},"cpu":{"x":1}}').slice(0, 3)).toEqual([null, 'Fedora', '32']);
  });
});
