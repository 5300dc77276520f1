/**
 * Source distributions the stand-in serves: a project tree (setup.py, pyproject.toml, modules) packed as
 * a PEP 625 `name-version.tar.gz` with its PKG-INFO, which pip builds with setuptools like any sdist.
 */
import { tarGz, type TarEntry } from './tar-writer.js';

export interface ProjectSource {
  /** The project name as published (any spelling). */
  name: string;
  version: string;
  summary?: string;
  /** Files of the project tree, relative paths → contents (PKG-INFO is written for you). */
  files: Record<string, string | Buffer>;
}

export interface BuiltFile {
  filename: string;
  content: Buffer;
}

// Every sdist has the same mtime: identical sources give byte-identical archives.
const SDIST_MTIME = 1_600_000_000;

/** PEP 625's spelling of a name in a filename: runs of `-_.` become `_`, lower case. */
export const filenameSafeName = (name: string) => name.replace(/[-_.]+/g, '_').toLowerCase();

export function pkgInfo(source: ProjectSource): string {
  return `Metadata-Version: 2.1\nName: ${source.name}\nVersion: ${source.version}\nSummary: ${source.summary ?? ''}\n`;
}

export function makeSdist(source: ProjectSource): BuiltFile {
  const base = `${filenameSafeName(source.name)}-${source.version}`;
  const paths = Object.keys(source.files).sort();
  for (const path of paths) {
    if (path.startsWith('/') || path.split('/').some((part) => part === '..' || part === '')) throw new RangeError(`bad sdist path: ${path}`);
  }
  const dirs = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const entries: TarEntry[] = [
    { path: base },
    ...[...dirs].sort().map((dir) => ({ path: `${base}/${dir}` })),
    { path: `${base}/PKG-INFO`, content: pkgInfo(source) },
    ...paths.map((path) => ({ path: `${base}/${path}`, content: source.files[path]! })),
  ];
  return { filename: `${base}.tar.gz`, content: tarGz(entries, SDIST_MTIME) };
}

const PYPROJECT = '[build-system]\nrequires = ["setuptools>=40.8.0", "wheel"]\nbuild-backend = "setuptools.build_meta"\n';

const moduleName = (name: string) => name.replace(/[-.]+/g, '_').toLowerCase();

function setupPy(source: ProjectOptions, imports: string, args: string): string {
  return [
    imports,
    '',
    'setup(',
    `    name=${JSON.stringify(source.name)},`,
    `    version=${JSON.stringify(source.version)},`,
    `    description=${JSON.stringify(source.summary ?? '')},`,
    `    ${args},`,
    ')',
    '',
  ].join('\n');
}

export interface ProjectOptions {
  name: string;
  version: string;
  summary?: string;
}

/** A pure-Python project: one module whose `hello()` names the project and version. */
export function pureProject(options: ProjectOptions): ProjectSource {
  const mod = moduleName(options.name);
  return {
    ...options,
    files: {
      'pyproject.toml': PYPROJECT,
      'setup.py': setupPy(options, 'from setuptools import setup', `py_modules=[${JSON.stringify(mod)}]`),
      [`${mod}.py`]: `__version__ = ${JSON.stringify(options.version)}\n\n\ndef hello():\n    return ${JSON.stringify(`hello from ${options.name} ${options.version}`)}\n`,
    },
  };
}

/**
 * A C-extension project: `<module>.add(a, b)` and `<module>.hypot(x, y)` in C, so its wheel is ABI- and
 * platform-specific and loads a system library (libm) that a dependency analysis can find.
 */
export function extensionProject(options: ProjectOptions, cSource?: string): ProjectSource {
  const mod = moduleName(options.name);
  const c =
    cSource ??
    [
      '#define PY_SSIZE_T_CLEAN',
      '#include <Python.h>',
      '#include <math.h>',
      '',
      'static PyObject *add(PyObject *self, PyObject *args) {',
      '    long a, b;',
      '    if (!PyArg_ParseTuple(args, "ll", &a, &b)) return NULL;',
      '    return PyLong_FromLong(a + b);',
      '}',
      '',
      'static PyObject *hypotenuse(PyObject *self, PyObject *args) {',
      '    double x, y;',
      '    if (!PyArg_ParseTuple(args, "dd", &x, &y)) return NULL;',
      '    return PyFloat_FromDouble(hypot(x, y));',
      '}',
      '',
      'static PyMethodDef methods[] = {',
      '    {"add", add, METH_VARARGS, "Add two integers."},',
      '    {"hypot", hypotenuse, METH_VARARGS, "The hypotenuse of a right triangle (libm)."},',
      '    {NULL, NULL, 0, NULL}',
      '};',
      '',
      `static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, ${JSON.stringify(mod)}, NULL, -1, methods};`,
      '',
      `PyMODINIT_FUNC PyInit_${mod}(void) { return PyModule_Create(&module); }`,
      '',
    ].join('\n');
  return {
    ...options,
    files: {
      'pyproject.toml': PYPROJECT,
      'setup.py': setupPy(
        options,
        'from setuptools import Extension, setup',
        `ext_modules=[Extension(${JSON.stringify(mod)}, [${JSON.stringify(`${mod}.c`)}], libraries=["m"])]`,
      ),
      [`${mod}.c`]: c,
    },
  };
}

/** A project whose C source does not compile: pip fails with the compiler's error in its log. */
export function brokenProject(options: ProjectOptions): ProjectSource {
  return extensionProject(options, `#error "${options.name} ${options.version} is broken on purpose: this build must fail"\n`);
}
