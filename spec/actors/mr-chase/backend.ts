/** One PostgreSQL database of the run's server per test file, emptied by each `startWorld` (jest hooks). */
import { openBackend, type TestBackend } from '../../support/postgres.js';

export function postgresBackend(): { get(): TestBackend } {
  let backend: TestBackend | undefined;
  beforeAll(async () => {
    backend = await openBackend('postgres');
  });
  afterAll(async () => {
    await backend?.close();
  });
  return { get: () => backend! };
}
