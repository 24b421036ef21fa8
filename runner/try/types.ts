// What a lesson's `try` adapter (runner/try/<id>.ts) receives and returns. `npm run try <id>`
// runs the learner's own code through it, so a learner can talk to it with real tools.

export interface TryContext {
  /** The learner's module, with these exports checked to be functions (clear errors otherwise). */
  load<T>(exports: string[]): Promise<T>;
  /** The port asked for with --port, or 0 for one the system picks. */
  port: number;
  /** Always 127.0.0.1: nothing is reachable from outside the machine. */
  host: string;
  /** A fresh temporary folder, removed when the session ends. */
  tmpDir: string;
}

export interface TrySession {
  /** What is running, for the learner: "your SHOUT server (createShoutServer())". */
  what: string;
  /** Values for the placeholders in the explainer's commands, e.g. { PORT: '40123' }. */
  placeholders: Record<string, string>;
  /** Stops everything the adapter started. */
  close(): Promise<void>;
}

export type TryAdapter = (ctx: TryContext) => Promise<TrySession>;
