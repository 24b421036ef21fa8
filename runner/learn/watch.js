// Calls back when a file's content may have changed, once per burst of file-system events.
//
// It watches the folder, not the file: editors that save by writing a new file and renaming it
// over the old one (vim, many IDEs) replace the inode a file watch would be attached to. Events
// are debounced, and the caller compares content, so a save that fires five events, or a touch
// that changes nothing, costs one comparison. Where fs.watch is unavailable (some network and
// container file systems), it falls back to polling the file's modification time.
import { watch, watchFile, unwatchFile } from 'node:fs';
import path from 'node:path';

/**
 * Long enough to take an editor's burst of events for one save (write + rename, or truncate +
 * write: a few ms apart) as one, short enough not to show in save → verdict. A check that still
 * catches a half-written file is harmless: the next event makes its result stale (app.js).
 */
export const DEBOUNCE_MS = 40;

/**
 * @param {string} file
 * @param {() => void} onChange
 * @param {{ debounceMs?: number }} [options]
 * @returns {{ close(): void }}
 */
export function watchForChanges(file, onChange, { debounceMs = DEBOUNCE_MS } = {}) {
  /** @type {NodeJS.Timeout | undefined} */
  let timer;
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  };
  const name = path.basename(file);
  /** @type {() => void} */
  let close;
  try {
    const watcher = watch(path.dirname(file), (_event, changed) => {
      // Some platforms do not say which file changed: then it may have been ours.
      if (!changed || changed.toString() === name) poke();
    });
    watcher.on('error', () => {
      // The folder went away or the watch broke: keep going by polling.
      watcher.close();
      close = poll(file, poke);
    });
    close = () => watcher.close();
  } catch {
    close = poll(file, poke);
  }
  return {
    close() {
      clearTimeout(timer);
      close();
    },
  };
}

/**
 * @param {string} file
 * @param {() => void} poke
 */
function poll(file, poke) {
  const listener = () => poke();
  watchFile(file, { interval: 300 }, listener);
  return () => unwatchFile(file, listener);
}
