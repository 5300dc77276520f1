import { createLogger, formatEntry, memoryLogger, type LogEntry } from '../../../actors/runtime/logger.js';

describe('logger', () => {
  test('writes named entries at or above its level; children extend the name (behaviour 33: per-task names)', () => {
    const entries: LogEntry[] = [];
    const log = createLogger('master', { sink: (e) => entries.push(e), level: (name) => (name === 'master.slave_driver' ? 'debug' : 'info') });
    log.debug('hidden');
    log.info('started');
    log.child('slave_driver').debug('<< QUIT None');
    log.child('file_juggler').debug('hidden too');
    expect(entries.map((e) => [e.level, e.name, e.message])).toEqual([
      ['info', 'master', 'started'],
      ['debug', 'master.slave_driver', '<< QUIT None'],
    ]);
  });

  test('an error rides along with its entry and is printed with its stack', () => {
    const log = memoryLogger('master');
    const err = new Error('disk full');
    log.child('scribe').error('crashed', err);
    expect(log.entries[0]).toMatchObject({ name: 'master.scribe', level: 'error', message: 'crashed', error: err });
    expect(formatEntry(log.entries[0]!)).toMatch(/ERROR master\.scribe: crashed\nError: disk full/);
  });
});
