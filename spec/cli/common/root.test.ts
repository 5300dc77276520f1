/** Behaviours 22 and 181: piw-master and piw-slave refuse root unless PIW_ALLOW_ROOT says otherwise. */
import { memoryLogger } from '../../../actors/runtime/logger.js';
import { ALLOW_ROOT_ENV, classify, refuseRoot, RootRefusedError } from '../../../cli/common/index.js';

describe('refuseRoot', () => {
  test('uid 0 without the override is refused with PIW_ERR_ROOT, exit status 1, and a message naming the way out', () => {
    let error: unknown;
    try {
      refuseRoot('Slave', { uid: 0, env: {} });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(RootRefusedError);
    expect((error as InstanceType<typeof RootRefusedError>).code).toBe('PIW_ERR_ROOT');
    expect((error as Error).message).toMatch(/^Slave must not be run as root; .*PIW_ALLOW_ROOT=1/);
    expect(classify(error)).toMatchObject({ exitCode: 1, expected: true });
  });

  test.each(['', '0', 'no', 'false'])('an override of %j does not count', (value) => {
    expect(() => refuseRoot('Master', { uid: 0, env: { [ALLOW_ROOT_ENV]: value } })).toThrow(RootRefusedError);
  });

  test.each(['1', 'yes', 'TRUE', 'on'])('PIW_ALLOW_ROOT=%s lets root through with a warning', (value) => {
    const log = memoryLogger('slave', 'info');
    expect(() => refuseRoot('Slave', { uid: 0, env: { [ALLOW_ROOT_ENV]: value }, log })).not.toThrow();
    expect(log.entries.map((e) => [e.level, e.message])).toEqual([['warning', expect.stringContaining('running as root because PIW_ALLOW_ROOT is set')]]);
  });

  test('any other user goes on, whatever the environment says', () => {
    const log = memoryLogger('slave', 'info');
    expect(() => refuseRoot('Slave', { uid: 1000, env: {}, log })).not.toThrow();
    expect(log.entries).toEqual([]);
  });
});
