/** systemd's notification protocol (sd_notify) for the daemons: readiness, status, watchdog, stop. */
export {
  serviceNotifier,
  watchdogInterval,
  withoutServiceVariables,
  SERVICE_VARIABLES,
  type ServiceNotifier,
  type ServiceNotifierOptions,
  type WatchdogTimers,
} from './notify.js';
export { SystemdError, systemdErrors } from './errors.js';
