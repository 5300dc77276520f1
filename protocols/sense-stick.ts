/** `sense_stick`: piw-sense's joystick task → screen task (protocols/README.md §4.13). */
import { defineProtocol } from './protocol.js';
import { bool, datetime, str, tuple } from './fields.js';

export const senseStickProtocol = defineProtocol('sense_stick', {
  recv: {
    EVENT: tuple([datetime(), str(), bool(), bool()]), // timestamp, direction, pressed, held
  },
  send: {},
});
