/**
 * Running piw-import, piw-remove and piw-rebuild as real processes (node + tsx, the bin scripts under cli/)
 * against a master started in the test process (spec/actors/mr-chase/world.ts): plain pipes for scripted
 * runs, a pseudo-terminal (node-pty) for prompts and the progress bar.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, spawnTty } from './common/harness.js';

export type Tool = 'piw-import' | 'piw-remove' | 'piw-rebuild' | 'piw-add' | 'piw-abis' | 'piw-wheelhouse';

export interface ToolRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** An environment without the developer's configuration or PIW_* settings. */
export function toolEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIW_')) env[k] = v;
  return { ...env, HOME: mkdtempSync(join(tmpdir(), 'piw-home-')), ...extra };
}

/** Runs `tool` with `args`; its standard input is `input` (then closed). */
export function runTool(tool: Tool, args: string[], opts: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `cli/${tool}.ts`, ...args], {
      cwd: ROOT,
      env: opts.env ?? toolEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts `tool` on a pseudo-terminal (see spawnTty). */
export function ttyTool(tool: Tool, args: string[], env: NodeJS.ProcessEnv = toolEnv()) {
  return spawnTty(`cli/${tool}.ts`, args, env);
}
