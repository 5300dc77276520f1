import { checkClock, EARLIEST_CLOCK } from '../../../../actors/slave/client/sanity.js';

describe('behaviour 181: the slave refuses a clock before 2020-06-01', () => {
  test('a clock from before the floor is refused with PIW_ERR_SLAVE_CLOCK, naming the time', () => {
    expect(() => checkClock(new Date(Date.UTC(1970, 0, 1, 0, 0, 42)))).toThrow(
      expect.objectContaining({ code: 'PIW_ERR_SLAVE_CLOCK', message: expect.stringContaining('1970-01-01T00:00:42.000Z') }),
    );
    expect(() => checkClock(new Date(EARLIEST_CLOCK.getTime() - 1))).toThrow(expect.objectContaining({ code: 'PIW_ERR_SLAVE_CLOCK' }));
  });

  test('the floor itself and any later time are accepted', () => {
    expect(() => checkClock(EARLIEST_CLOCK)).not.toThrow();
    expect(() => checkClock(new Date())).not.toThrow();
  });
});
