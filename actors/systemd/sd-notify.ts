/**
 * The one datagram sender: libsystemd's own sd_notify(3) through the `sd-notify` package (a small native
 * binding kept under the systemd organisation). Node's dgram has no unix datagram sockets; libsystemd
 * reads NOTIFY_SOCKET itself and handles plain paths and abstract sockets (`@name`) alike.
 *
 * Loaded on first use only, so commands never told to notify (no NOTIFY_SOCKET) never load it.
 */
import { createRequire } from 'node:module';
import { systemdErrors } from './errors.js';

interface Binding {
  /** sd_notify(0, state): one datagram to $NOTIFY_SOCKET; nothing when it is unset. */
  sendState(state: string): void;
}

let binding: Binding | undefined;

/** Loads the binding, throwing PIW_ERR_SD_NOTIFY_UNAVAILABLE (with the reason) when it cannot be. */
export function loadSdNotify(): (state: string) => void {
  if (binding === undefined) {
    try {
      binding = createRequire(import.meta.url)('sd-notify') as Binding;
    } catch (err) {
      throw systemdErrors.unavailable(err);
    }
  }
  const { sendState } = binding;
  return (state) => sendState(state);
}
