/** Big Brother: the master's statistics, for monitors (status queue) and the home page (web queue). */
export {
  bigBrotherTask,
  HISTORY_SIZE,
  HOME_INTERVAL_MS,
  SEARCH_INTERVAL_MS,
  STATS_INTERVAL_MS,
  type BigBrotherInput,
  type MachineFigures,
} from './task.js';
export { bigBrotherControlQueue, statsControlProtocol, type BigBrotherControlMessage } from './control.js';
export { initialStats, toMasterStatsWire, withStatistics, type MasterStats } from '../../protocols/master-stats.js';
