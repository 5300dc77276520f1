/**
 * The end-to-end tests' own packages, next to the stand-in's fixtures (PURE, CEXT, BROKEN):
 *
 *  - a gated package, whose build (setup.py) writes its process group to a marker file and then waits
 *    for a gate file: the test knows when a slave is building it and decides when the build may finish;
 *  - a big package (an incompressible blob in its wheel), so that a throttled transfer takes seconds;
 *  - a package for piw-import, whose wheel the test builds with pip itself.
 */
import { randomBytes } from 'node:crypto';
import { pureProject, type ProjectSource } from '../../../scripts/pypi-standin/index.js';

const PYPROJECT = '[build-system]\nrequires = ["setuptools>=40.8.0", "wheel"]\nbuild-backend = "setuptools.build_meta"\n';

/** Gives up after 10 minutes, so a build orphaned by a failed test run never waits for ever. */
export function gatedProject(name: string, version: string, marker: string, gate: string): ProjectSource {
  const mod = name.replace(/[-.]+/g, '_');
  const setup = [
    'import os, sys, time',
    'from setuptools import setup',
    '',
    `with open(${JSON.stringify(marker)}, "w") as f:`,
    '    f.write(str(os.getpgid(0)))',
    'deadline = time.monotonic() + 600',
    `while not os.path.exists(${JSON.stringify(gate)}):`,
    '    if time.monotonic() > deadline:',
    '        sys.exit("the gate never opened")',
    '    time.sleep(0.2)',
    '',
    `setup(name=${JSON.stringify(name)}, version=${JSON.stringify(version)}, py_modules=[${JSON.stringify(mod)}])`,
    '',
  ].join('\n');
  return {
    name,
    version,
    summary: 'A package whose build waits for the test',
    files: {
      'pyproject.toml': PYPROJECT,
      'setup.py': setup,
      [`${mod}.py`]: `def hello():\n    return "hello from ${name} ${version}"\n`,
    },
  };
}

/** A package whose wheel carries `size` random bytes. */
export function bigProject(name: string, version: string, size: number): ProjectSource {
  const mod = name.replace(/[-.]+/g, '_');
  const setup = [
    'from setuptools import setup',
    '',
    `setup(name=${JSON.stringify(name)}, version=${JSON.stringify(version)}, packages=[${JSON.stringify(mod)}], package_data={${JSON.stringify(mod)}: ["blob.bin"]})`,
    '',
  ].join('\n');
  return {
    name,
    version,
    summary: 'A package with a big wheel',
    files: {
      'pyproject.toml': PYPROJECT,
      'setup.py': setup,
      [`${mod}/__init__.py`]: 'import os\n\nBLOB = os.path.join(os.path.dirname(__file__), "blob.bin")\n',
      [`${mod}/blob.bin`]: randomBytes(size),
    },
  };
}

export const importedProject = (name: string, version: string): ProjectSource =>
  pureProject({ name, version, summary: 'A package whose only wheel is imported with piw-import' });
