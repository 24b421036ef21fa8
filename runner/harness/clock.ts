// Timers as they were when the harness loaded, before any learner code ran. Learner code that
// replaces globalThis.setTimeout (or the timers module) then cannot stop the checks' deadlines,
// clean-up or heartbeats: they use these.
export const { setTimeout, clearTimeout, setInterval, setImmediate } = globalThis;
