// The course manifest (lessons/course.json) and everything derived from a lesson id.
// The manifest stores each lesson once; every path is computed here, never written down twice.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: two levels above this file (runner/core/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MANIFEST_PATH = path.join(ROOT, 'lessons', 'course.json');
/** The manifest format this runner reads. Bump it when a field changes meaning. */
export const FORMAT_VERSION = 1;

const ID_PATTERN = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)$/;

/**
 * @typedef {object} LessonEntry  One entry of lessons/course.json.
 * @property {string} id        `NN-slug`, e.g. `04-udp`; the only name a lesson has.
 * @property {string} title
 * @property {string} summary
 * @property {number} points    What the lesson is worth in a graded assignment.
 * @property {string[]} hints   Numbered hints, gentlest first.
 */

/**
 * @typedef {LessonEntry & {
 *   number: number, slug: string, index: number,
 *   explainer: string, exercise: string, solution: string, hiddenTest: string, tryAdapter: string,
 * }} Lesson  A manifest entry plus its derived paths (relative to the repository root).
 */

/** @typedef {{ formatVersion: number, lessons: Lesson[] }} Course */

export class CourseError extends Error {}

/**
 * Where a lesson's files live, relative to the repository root.
 * @param {string} id
 * @param {string} [exercisesDir] a folder of learner files to use instead of `exercises/`
 */
export function lessonPaths(id, exercisesDir = 'exercises') {
  return {
    explainer: `lessons/${id}.md`,
    exercise: path.join(exercisesDir, `${id}.ts`),
    solution: `solutions/${id}.ts`,
    hiddenTest: `runner/hidden-tests/${id}.test.ts`,
    tryAdapter: `runner/try/${id}.ts`,
  };
}

/**
 * Checks the manifest's shape and returns it with derived fields. Throws CourseError with a
 * message that names the entry and the field, for the contributor who just edited it.
 * @param {unknown} raw
 * @returns {Course}
 */
export function parseCourse(raw) {
  const fail = (/** @type {string} */ msg) => {
    throw new CourseError(`lessons/course.json: ${msg}`);
  };
  if (!raw || typeof raw !== 'object') fail('expected a JSON object');
  const data = /** @type {Record<string, unknown>} */ (raw);
  if (data.format_version !== FORMAT_VERSION) {
    fail(`format_version is ${JSON.stringify(data.format_version)}, this runner reads ${FORMAT_VERSION}`);
  }
  if (!Array.isArray(data.lessons) || data.lessons.length === 0) fail('"lessons" must be a non-empty array');
  const seen = new Set();
  let previous = 0;
  const lessons = /** @type {unknown[]} */ (data.lessons).map((entry, index) => {
    const e = /** @type {Record<string, unknown>} */ (entry ?? {});
    const where = `lesson #${index + 1}${typeof e.id === 'string' ? ` (${e.id})` : ''}`;
    if (typeof e.id !== 'string' || !ID_PATTERN.test(e.id)) fail(`${where}: "id" must look like "04-udp"`);
    const id = /** @type {string} */ (e.id);
    if (seen.has(id)) fail(`${where}: duplicate id`);
    seen.add(id);
    for (const key of ['title', 'summary']) {
      if (typeof e[key] !== 'string' || !(/** @type {string} */ (e[key])).trim()) fail(`${where}: "${key}" must be a non-empty string`);
    }
    if (typeof e.points !== 'number' || !(e.points > 0)) fail(`${where}: "points" must be a positive number`);
    if (!Array.isArray(e.hints) || e.hints.length === 0 || e.hints.some((h) => typeof h !== 'string' || !h.trim())) {
      fail(`${where}: "hints" must be a non-empty array of non-empty strings`);
    }
    const [, num, slug] = /** @type {RegExpMatchArray} */ (id.match(ID_PATTERN));
    // Numbers only rise: the manifest's order is the course order. A gap is allowed while a
    // lesson is being written on another branch; two lessons never share a number.
    if (Number(num) <= previous) fail(`${where}: lessons must be numbered in course order; expected a number above ${String(previous).padStart(2, '0')}`);
    previous = Number(num);
    return {
      id,
      title: /** @type {string} */ (e.title),
      summary: /** @type {string} */ (e.summary),
      points: /** @type {number} */ (e.points),
      hints: /** @type {string[]} */ (e.hints),
      number: Number(num),
      slug,
      index,
      ...lessonPaths(id),
    };
  });
  return { formatVersion: FORMAT_VERSION, lessons };
}

/** @type {Course | undefined} */
let cached;

/** Reads and checks lessons/course.json once per process. */
export function loadCourse() {
  if (!cached) {
    let text;
    try {
      text = readFileSync(MANIFEST_PATH, 'utf8');
    } catch (err) {
      throw new CourseError(`cannot read ${MANIFEST_PATH}: ${/** @type {Error} */ (err).message}`);
    }
    let raw;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new CourseError(`lessons/course.json is not valid JSON: ${/** @type {Error} */ (err).message}`);
    }
    cached = parseCourse(raw);
  }
  return cached;
}

/**
 * Finds a lesson by what a person types: `04-udp`, `04`, `4` or `udp` (any case).
 * @param {Course} course
 * @param {string} name
 * @returns {Lesson | undefined}
 */
export function findLesson(course, name) {
  const wanted = name.trim().toLowerCase();
  if (/^\d+$/.test(wanted)) return course.lessons.find((l) => l.number === Number(wanted));
  return course.lessons.find((l) => l.id === wanted || l.slug === wanted);
}
