/** jest globalTeardown: stops the cluster postgres-global-setup.ts started (if it started one). */
export default async function teardown(): Promise<void> {
  (globalThis as { __piwPostgresTeardown?: () => void }).__piwPostgresTeardown?.();
}
