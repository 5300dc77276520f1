/**
 * Wire data for slave-protocol tests (both ends): a HELLO, stats, wheels and BUILT results as a 0.18
 * slave sends them, built with the protocol's own types so they stay valid as the schemas evolve.
 */
import { TimeDelta } from '../../../protocols/index.js';
import type { FileStateWire, SlaveHelloWire, SlaveStatsWire } from '../../../protocols/index.js';

/** 0.18 defaults: 3 h build timeout, 5 min busy (master) timeout; a Pi 4 building for CPython 3.11. */
export const BUSY_TIMEOUT_MS = 5 * 60 * 1000;
export function helloData(overrides: { busyTimeoutMs?: number; abi?: string } = {}): SlaveHelloWire {
  return [
    TimeDelta.fromSeconds(3 * 3600),
    TimeDelta.fromMilliseconds(overrides.busyTimeoutMs ?? BUSY_TIMEOUT_MS),
    '311',
    overrides.abi ?? 'cp311',
    'linux_armv7l',
    'pi4-slave',
    'Raspbian GNU/Linux',
    '11 (bullseye)',
    'c03111',
    '100000001234abcd',
  ];
}

export function statsData(at = new Date(Date.UTC(2024, 0, 1))): SlaveStatsWire {
  return [at, 32_000_000_000, 20_000_000_000, 4_000_000_000, 3_000_000_000, 100_000_000, 100_000_000, 0.5, 45.0];
}

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);

/** An armv7l wheel (gets an armv6l twin) and a pure-Python one, unsorted, as a slave may list them. */
export const pureWheel: FileStateWire = ['foo-1.0-py3-none-any.whl', 2048, HASH_B, 'foo', '1.0', 'py3', 'none', 'any', {}];
export const armWheel: FileStateWire = [
  'foo-1.0-cp311-cp311-linux_armv7l.whl', 123_456, HASH_A, 'foo', '1.0', 'cp311', 'cp311', 'linux_armv7l',
  { apt: ['libc6'] },
];
export const armTwinName = 'foo-1.0-cp311-cp311-linux_armv6l.whl';

export type BuiltData = [boolean, TimeDelta, string, FileStateWire[]];
export const builtOk = (files: FileStateWire[] = [pureWheel, armWheel]): BuiltData => [
  true, TimeDelta.fromSeconds(42.5), 'Successfully built foo', files,
];
export const builtFailed = (): BuiltData => [false, TimeDelta.fromSeconds(3), 'error: no compiler', []];
