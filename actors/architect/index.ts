/** The Architect: the periodic build-queue query, pushed to the Slave Driver. */
export {
  architectTask,
  ARCHITECT_INTERVAL_MS,
  BUILD_QUEUE_LIMIT,
  type ArchitectInput,
  type BuildQueue,
  type BuildQueuePort,
} from './architect.js';
