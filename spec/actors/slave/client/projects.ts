/**
 * Sdists for the slave's tests beyond the stand-in's fixtures: one whose build never ends. Its in-tree
 * build backend needs nothing installed, so pip reaches it within a second or two; it starts a child
 * (`sleep 600`), writes "<its pid> <the child's pid>" to `pidFile`, and sleeps.
 */
import type { ProjectSource } from '../../../../scripts/pypi-standin/index.js';

export function hangingProject(name: string, pidFile: string): ProjectSource {
  return {
    name,
    version: '1.0',
    summary: 'A package whose build never ends',
    files: {
      'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "hang_backend"\nbackend-path = ["."]\n',
      'hang_backend.py': [
        'import os, subprocess, time',
        '',
        'def get_requires_for_build_wheel(config_settings=None):',
        '    child = subprocess.Popen(["sleep", "600"])',
        `    with open(${JSON.stringify(`${pidFile}.tmp`)}, "w") as f:`,
        '        f.write(f"{os.getpid()} {child.pid}")',
        `    os.rename(${JSON.stringify(`${pidFile}.tmp`)}, ${JSON.stringify(pidFile)})`,
        '    time.sleep(600)',
        '    return []',
        '',
      ].join('\n'),
    },
  };
}
