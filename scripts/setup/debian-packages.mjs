/**
 * The Debian packages the test suite uses, and why. One list: `.ci/run` calls `npm test`, which installs
 * these as root and names them otherwise.
 */
export const TEST_PACKAGES = {
  postgresql: 'the real PostgreSQL server every database test and the end-to-end farm run on',
  'python3-cbor2': 'byte-for-byte checks of our CBOR codec against cbor2 (what 0.18 peers use)',
  'python3-voluptuous': "checks of our validation against 0.18's voluptuous schemas",
  'python3-pip': 'pip, which the slave builds wheels with and the tests install them with',
  'python3-setuptools': 'setuptools, for building the test sdists',
  'python3-wheel': 'the wheel package pip needs to build wheels',
  'python3-venv': 'virtual environments the tests install wheels into',
  pypy3: "the end-to-end tests' second build ABI",
  'pypy3-dev': "headers for the second ABI's C-extension build",
  chromium: 'the site in a real browser (spec/site, driven by playwright-core)',
  nginx: "the README's nginx configuration, tested as written (spec/site/web-servers.test.ts)",
  apache2: "the README's Apache configuration, tested as written",
  'libsystemd-dev': "libsystemd, which npm ci builds sd-notify (the daemons' sd_notify) against",
  systemd: 'systemd-analyze, which verifies the units in scripts/systemd',
  'python3-zmq': "pyzmq, for the squatter of the ipc tests (another user binding the master's sockets)",
  passwd: "useradd, for the fault suite's second local user (spec/faults/local-user.test.ts)",
};
