// The interactive workbook: one loop over a few kinds of events (a key, a save, a verdict,
// TypeScript's report, a resize), one View, one draw. A check runs at a time; a save during a
// check makes that result stale, so it is dropped and the file is checked again: what is on
// screen always belongs to the file as it is now.
import path from 'node:path';
import { trace } from '../engine/trace.js';
import { dim } from '../report/style.js';
import { coldChecker } from './checker.js';
import { actionFor } from './keys.js';
import { page } from './pager.js';
import { choose, confirm } from './prompts.js';
import { keyContext, renderScreen } from './screen.js';
import { displayPath, doneLessons, exerciseFile, firstUnfinished, readText, record, shortId } from './state.js';
import { resetExercise } from './stubs.js';
import { anyKey, clearScreen, keyboard, size } from './terminal.js';
import { startTypeChecker } from './typescript.js';
import { comparisonText, explainerText, lessonMenu, resetNotice } from './views.js';
import { watchForChanges } from './watch.js';

/** A run still going after this long may be a hang, whose TypeScript errors may explain it. */
const TYPES_AFTER_MS = 500;

/** @typedef {import('../core/course.js').Course} Course */
/** @typedef {import('../core/course.js').Lesson} Lesson */
/** @typedef {import('./state.js').Workspace} Workspace */
/** @typedef {import('./checker.js').Checker} Checker */

/**
 * @param {{ course: Course, start: Lesson | undefined, ws: Workspace, manual: boolean, checker?: Checker }} options
 * @returns {Promise<number>} the exit code, when the learner quits
 */
export function runLearn({ course, start, ws, manual, checker = coldChecker({ exercisesDir: ws.exercisesDir }) }) {
  /** @type {import('./screen.js').View} */
  const view = { course, lesson: undefined, done: doneLessons(ws), file: '', manual, verdict: { checking: false }, types: undefined, hint: 0, notice: [], records: ws.records };
  let generation = 0; // bumps when the lesson changes: results for an older one are dropped
  let checking = false;
  let pending = false; // a check was asked for while one ran or the terminal was lent out
  /** @type {string | null} */
  let lastChecked = null; // the content the current verdict (or running check) is about
  let lent = false; // a pager or a prompt owns the terminal: do not draw
  let busy = false; // an action is running: other keys wait
  let closed = false;
  /** @type {{ close(): void } | undefined} */
  let watcher;
  /** @type {(code: number) => void} */
  let finish = () => {};

  const types = startTypeChecker((file, report) => {
    if (!file || (view.lesson && file === exerciseFile(ws, view.lesson).file)) {
      view.types = report;
      draw();
    }
  });
  const keys = keyboard((text, key) => void onKey(key));

  function draw() {
    if (lent || closed) return;
    process.stdout.write(`${clearScreen()}${renderScreen(view, size())}`);
  }

  /** @param {Lesson | undefined} lesson */
  function open(lesson) {
    generation++;
    watcher?.close();
    watcher = undefined;
    Object.assign(view, { lesson, verdict: { checking: false }, types: undefined, hint: 0, notice: [], done: doneLessons(ws) });
    lastChecked = null;
    if (!lesson) return draw();
    const { file, shown } = exerciseFile(ws, lesson);
    view.file = shown;
    if (!manual) {
      watcher = watchForChanges(file, () => {
        const now = readText(file);
        trace('learn', `file event (${now !== lastChecked ? 'changed' : 'unchanged'})`);
        if (now !== lastChecked) void check();
      });
    }
    draw();
    void check();
  }

  async function check() {
    const lesson = view.lesson;
    if (!lesson || closed) return;
    if (checking || lent) {
      pending = true;
      return;
    }
    checking = true;
    pending = false;
    const gen = generation;
    const { file } = exerciseFile(ws, lesson);
    lastChecked = readText(file);
    view.verdict = { ...view.verdict, checking: true };
    draw();
    trace('learn', 'checking: screen drawn');
    // TypeScript's check (~20 ms warm, at a lower priority) would still take CPU from the run:
    // it starts once the verdict is in, or after TYPES_AFTER_MS of a run that takes long (a
    // hang: its errors may explain it).
    let typesAsked = false;
    const askTypes = () => {
      if (!typesAsked && !closed) types.check(file);
      typesAsked = true;
    };
    const typesTimer = setTimeout(askTypes, TYPES_AFTER_MS);
    const started = Date.now();
    /** @type {import('../engine/run-checks.js').LessonResult} */
    let result;
    let ran = true;
    try {
      result = await checker.check(lesson);
    } catch (err) {
      ran = false; // the runner failed, not the learner: their progress stays as it was
      const failure = { kind: 'internal', message: `the checks could not run: ${/** @type {Error} */ (err).message}`, hint: 'Press r to try again; if it keeps happening, run npm run verify in another terminal and report what it says.' };
      result = { id: lesson.id, state: 'failed', checks: [], errors: [failure] };
    }
    checking = false;
    clearTimeout(typesTimer);
    askTypes();
    trace('learn', `checker answered (${result.state})`);
    if (closed) return;
    // Another lesson, or a file that changed while it was being checked: this verdict is stale.
    if (gen !== generation || pending || readText(file) !== lastChecked) {
      if (gen === generation || pending) void check();
      return;
    }
    if (ran) record(ws, lesson, result.state === 'passed');
    view.done = doneLessons(ws);
    view.verdict = { result, checking: false, ms: Date.now() - started, at: new Date() };
    draw();
    trace('learn', 'verdict drawn');
  }

  /**
   * Lends the terminal to a pager or a prompt, then takes it back and catches up.
   * @param {() => Promise<void>} fn
   */
  async function lend(fn) {
    keys.stop();
    lent = true;
    try {
      await fn();
    } finally {
      lent = false;
      if (!closed) {
        keys.start();
        draw();
        if (pending) void check();
      }
    }
  }

  /** Shows long text in the pager; without one, prints it and waits for a key. @param {string} text */
  async function show(text) {
    await lend(async () => {
      process.stdout.write(clearScreen());
      if (await page(text)) return;
      process.stdout.write(`${text}\n${dim('(no pager could run: set PAGER, e.g. PAGER="less -R") · press any key to go back')}`);
      await anyKey();
    });
  }

  /** @param {{ name?: string, ctrl?: boolean }} key */
  async function onKey(key) {
    const action = actionFor(key, keyContext(view));
    if (!action) return;
    if (action === 'quit') return quit();
    if (busy) return;
    busy = true;
    try {
      await act(action);
    } finally {
      busy = false;
    }
  }

  /** @param {import('./keys.js').Action} action */
  async function act(action) {
    const lesson = view.lesson;
    view.notice = [];
    switch (action) {
      case 'check':
        return void check();
      case 'hint':
        if (lesson) view.hint = Math.min(view.hint + 1, lesson.hints.length);
        return draw();
      case 'next': {
        // After the last lesson: the first one still unfinished, or the "all done" screen.
        const next = lesson ? course.lessons[lesson.index + 1] : undefined;
        return open(next ?? firstUnfinished(course, doneLessons(ws)));
      }
      case 'explainer':
        return lesson && show(await explainerText(lesson, size().columns));
      case 'solution':
        return lesson && show(await comparisonText(ws, lesson, size().columns));
      case 'list':
        return listLessons();
      case 'reset':
        return reset();
    }
  }

  async function listLessons() {
    /** @type {string | undefined} */
    let picked;
    await lend(async () => {
      process.stdout.write(clearScreen());
      picked = await choose(lessonMenu(course, doneLessons(ws), view.lesson));
    });
    const lesson = course.lessons.find((l) => l.id === picked);
    if (lesson && lesson !== view.lesson) open(lesson);
  }

  async function reset() {
    const lesson = view.lesson;
    if (!lesson) return;
    const { file, shown } = exerciseFile(ws, lesson);
    let yes = false;
    await lend(async () => {
      process.stdout.write(`\n\n`);
      yes = await confirm(`Put the original stub back in ${shown}? Your file is saved in ${displayPath(path.join(ws.stateDir, 'backups'))}/ first.`);
    });
    if (!yes) return draw();
    try {
      view.notice = [resetNotice(shown, resetExercise(lesson, { file, stateDir: ws.stateDir }))];
      view.hint = 0;
    } catch (err) {
      view.notice = [resetNotice(shown, /** @type {Error} */ (err))];
    }
    draw();
    if (manual) void check();
  }

  function quit() {
    if (closed) return;
    closed = true;
    watcher?.close();
    types.close();
    keys.stop();
    keys.restore();
    void checker.close();
    const lesson = view.lesson;
    process.stdout.write(`${clearScreen()}${dim(`netlings: see you soon. ${lesson ? `npm run learn continues with ${lesson.id}; npm run verify ${shortId(lesson)} checks it from any terminal.` : 'npm run list shows your points.'}`)}\n`);
    finish(0);
  }

  // Ctrl+C is a key press in raw mode; a SIGINT arrives only from outside, or while a pager
  // has the terminal (it is the pager's then: less uses it to interrupt a search).
  const onSignal = (/** @type {NodeJS.Signals} */ signal) => {
    if (signal !== 'SIGINT' || !lent) quit();
  };
  const SIGNALS = /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP']);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.stdout.on('resize', draw);

  return new Promise((resolve) => {
    finish = (code) => {
      process.stdout.off('resize', draw);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      resolve(code);
    };
    keys.start();
    open(start);
  });
}
