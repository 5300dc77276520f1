/** The master's actor tree as machines/README.md draws it: the root, its tasks in start order, their sessions. */
import type { TreeNode } from '../../actors/chart-drawing/draw-tree.js';
import { TASK_ORDER, type TaskId } from '../../actors/master/tasks.js';
import type { CatalogueEntry, Part } from '../../machines/catalogue.js';

export interface MasterParts {
  supervisor: CatalogueEntry[];
  /** What every task runs in. */
  wrapper: CatalogueEntry[];
  /** What every task's sessions are spawned under. */
  host: CatalogueEntry[];
  taskOf(task: TaskId): CatalogueEntry[];
  sessionsOf(task: TaskId): CatalogueEntry[];
}

export function masterParts(entries: CatalogueEntry[]): MasterParts {
  const is = (test: (p: Part) => boolean) => entries.filter((e) => test(e.part));
  return {
    supervisor: is((p) => p === 'supervisor'),
    wrapper: is((p) => p === 'task'),
    host: is((p) => p === 'sessions'),
    taskOf: (task) => is((p) => typeof p === 'object' && 'task' in p && p.task === task),
    sessionsOf: (task) => is((p) => typeof p === 'object' && 'sessionOf' in p && p.sessionOf === task),
  };
}

const readme = (e: CatalogueEntry) => `${e.folder}/README.md`;

function node(id: string, label: string, charts: CatalogueEntry[], extra: string[] = []): TreeNode {
  const details = [...charts.map((e) => `chart: ${e.name}`), ...extra];
  const result: TreeNode = { id, label, details };
  if (charts[0]) result.href = readme(charts[0]);
  return result;
}

export function masterTree(entries: CatalogueEntry[]): TreeNode {
  const parts = masterParts(entries);
  const root = node('root', 'root supervisor', parts.supervisor, [
    ...parts.wrapper.map((e) => `each task runs in: ${e.name}`),
    ...parts.host.map((e) => `its sessions under: ${e.name}`),
  ]);
  root.children = TASK_ORDER.map((task, i) => {
    const child = node(task, `${i + 1}. ${task}`, parts.taskOf(task));
    child.children = parts.sessionsOf(task).map((s) => ({ ...node(s.name, s.name, [s]), details: [], edgeLabel: 'one per peer' }));
    return child;
  });
  return root;
}
