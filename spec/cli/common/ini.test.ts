/** INI files in configparser's syntax, as /etc/piwheels.conf is written. */
import { parseIni, valuesFor } from '../../../cli/common/ini.js';

test('sections, both separators, comments, continuation lines and case-free keys', () => {
  const ini = parseIni(
    [
      '# piwheels configuration',
      'output_path = /srv/www',
      '[DEFAULT]',
      'log-file: /var/log/piw.log',
      '[master]',
      'DSN = postgres://piwheels@db/piwheels',
      '; a comment',
      'pypi_simple = https://example.com/simple',
      'motd = first line',
      '  second line',
      '',
      '[slave]',
      'master=10.0.0.1',
    ].join('\n'),
    'piwheels.conf',
  );
  expect(ini.top).toEqual({ output_path: '/srv/www' });
  expect(ini.sections.master).toEqual({
    dsn: 'postgres://piwheels@db/piwheels',
    pypi_simple: 'https://example.com/simple',
    motd: 'first line\nsecond line',
  });
  expect(valuesFor(ini, 'master')).toMatchObject({ output_path: '/srv/www', log_file: '/var/log/piw.log', dsn: 'postgres://piwheels@db/piwheels' });
  expect(valuesFor(ini, 'slave')).toEqual({ output_path: '/srv/www', log_file: '/var/log/piw.log', master: '10.0.0.1' });
  expect(valuesFor(ini, 'initdb')).toEqual({ output_path: '/srv/www', log_file: '/var/log/piw.log' });
});

test('a line that is neither a setting nor a header is refused with its place', () => {
  expect(() => parseIni('[master]\ndsn = x\nthis is not ini\n', '/etc/piwheels.conf')).toThrow(
    '/etc/piwheels.conf, line 3: expected "key = value" or "[section]", not "this is not ini"',
  );
});

test('a byte-order mark and Windows line ends are accepted', () => {
  expect(parseIni('\ufeff[initdb]\r\nuser = pi\r\n', 'x').sections.initdb).toEqual({ user: 'pi' });
});

test('a comment line inside a multi-line value is skipped without ending it (as configparser does); a blank line ends it', () => {
  const file = parseIni('[wheelhouse_uploader]\nartifact_indexes=\n    # the CI wheelhouse\n    http://a/\n    ; another\n    http://b/\n\nother = 1\n', 'setup.cfg');
  expect(file.sections.wheelhouse_uploader).toEqual({ artifact_indexes: '\nhttp://a/\nhttp://b/', other: '1' });
});
