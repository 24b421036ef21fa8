// learn's keys, as data: the screen lists them from here and the loop dispatches from here.

/** @typedef {'check' | 'hint' | 'explainer' | 'list' | 'next' | 'solution' | 'reset' | 'quit'} Action */
/** @typedef {{ passed: boolean, allDone: boolean, hasNext: boolean }} KeyContext */

/**
 * @type {{ key: string, action: Action, label: string | ((c: KeyContext) => string), when?: (c: KeyContext) => boolean }[]}
 */
export const KEYS = [
  { key: 'n', action: 'next', label: (c) => (c.passed ? (c.hasNext ? 'next lesson' : 'finish') : 'skip to next'), when: (c) => !c.allDone },
  { key: 'h', action: 'hint', label: 'hint', when: (c) => !c.allDone },
  { key: 'e', action: 'explainer', label: 'explainer', when: (c) => !c.allDone },
  { key: 'r', action: 'check', label: 're-run', when: (c) => !c.allDone },
  { key: 's', action: 'solution', label: 'solution', when: (c) => c.passed && !c.allDone },
  { key: 'x', action: 'reset', label: 'reset', when: (c) => !c.allDone },
  { key: 'l', action: 'list', label: 'list' },
  { key: 'q', action: 'quit', label: 'quit' },
];

/**
 * The action for a key press, if it means one here. Ctrl+C always quits.
 * @param {{ name?: string, ctrl?: boolean, sequence?: string } | undefined} key
 * @param {KeyContext} context
 * @returns {Action | undefined}
 */
export function actionFor(key, context) {
  if (!key) return undefined;
  if (key.ctrl && (key.name === 'c' || key.name === 'd')) return 'quit';
  if (key.ctrl || !key.name) return undefined;
  const entry = KEYS.find((k) => k.key === key.name && (!k.when || k.when(context)));
  return entry?.action;
}

/** @param {KeyContext} context */
export function keyLegend(context) {
  return KEYS.filter((k) => !k.when || k.when(context)).map((k) => ({ key: k.key, label: typeof k.label === 'function' ? k.label(context) : k.label }));
}
