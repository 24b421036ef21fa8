// A long-lived process that type-checks one learner file on request, with TypeScript's
// language service: the first check loads the standard library and @types/node (about a
// second); later checks re-read only the learner's file and take tens of milliseconds.
// Started by typescript.js at low priority, so it never slows the hidden tests down.
//
// Protocol (IPC): in  { id, file }  →  out { id, file, diagnostics: Diagnostic[] } | { id, file, error }
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { ROOT } from '../core/course.js';

/** @typedef {{ line: number, column: number, code: number, message: string }} Diagnostic */

const config = ts.readConfigFile(path.join(ROOT, 'tsconfig.json'), ts.sys.readFile);
const parsed = ts.parseJsonConfigFileContent(config.config ?? {}, ts.sys, ROOT);
/** @type {ts.CompilerOptions} */
const options = { ...parsed.options, noEmit: true, typeRoots: [path.join(ROOT, 'node_modules', '@types')] };

/** @type {string[]} */
let roots = [];
/** @type {Map<string, { version: string, snapshot: ts.IScriptSnapshot }>} */
const files = new Map();

/** The learner's file is re-read on every request; library files once. @param {string} file */
function snapshot(file) {
  let stamp;
  try {
    const stat = statSync(file);
    stamp = `${stat.mtimeMs}:${stat.size}`;
  } catch {
    return undefined;
  }
  const known = files.get(file);
  if (known && (known.version === stamp || !roots.includes(file))) return known;
  const entry = { version: stamp, snapshot: ts.ScriptSnapshot.fromString(readFileSync(file, 'utf8')) };
  files.set(file, entry);
  return entry;
}

/**
 * A learner folder outside this repository (a temporary copy, a student's submission) has no
 * package.json saying "type": "module", so TypeScript would read the file as CommonJS and
 * report errors `npm run typecheck` never shows. Such a folder gets this repository's answer.
 */
const virtualPackage = (/** @type {string} */ file) =>
  path.basename(file) === 'package.json' && roots.some((r) => path.dirname(r) === path.dirname(file)) && !ts.sys.fileExists(file) && !roots.some((r) => !path.relative(ROOT, r).startsWith('..'));

/** @type {ts.LanguageServiceHost} */
const host = {
  getCompilationSettings: () => options,
  getScriptFileNames: () => roots,
  getScriptVersion: (file) => snapshot(file)?.version ?? '',
  getScriptSnapshot: (file) => snapshot(file)?.snapshot,
  getCurrentDirectory: () => ROOT,
  getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
  fileExists: (file) => virtualPackage(file) || ts.sys.fileExists(file),
  readFile: (file) => (virtualPackage(file) ? '{ "type": "module" }' : ts.sys.readFile(file)),
  readDirectory: ts.sys.readDirectory,
  directoryExists: ts.sys.directoryExists,
  getDirectories: ts.sys.getDirectories,
};
const service = ts.createLanguageService(host, ts.createDocumentRegistry());

/** @param {string} file @returns {Diagnostic[]} */
function diagnose(file) {
  roots = [file];
  const all = [...service.getSyntacticDiagnostics(file), ...service.getSemanticDiagnostics(file)];
  return all.map((d) => {
    const { line, character } = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
    return { line: line + 1, column: character + 1, code: d.code, message: ts.flattenDiagnosticMessageText(d.messageText, '\n') };
  });
}

process.on('message', (/** @type {{ id: number, file: string }} */ msg) => {
  try {
    process.send?.({ id: msg.id, file: msg.file, diagnostics: diagnose(msg.file) });
  } catch (err) {
    process.send?.({ id: msg.id, file: msg.file, error: String(/** @type {Error} */ (err).message) });
  }
});
// The parent went away: nothing left to do. Ctrl+C in learn's pager reaches this process too
// (same process group); it is not for us.
process.on('disconnect', () => process.exit(0));
process.on('SIGINT', () => {});
