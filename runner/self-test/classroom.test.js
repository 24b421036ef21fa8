// The GitHub Classroom workflow is valid YAML, matches the manifest (regenerate it with
// `npm run classroom-workflow` after changing lessons or points), and wires every grader step
// into the grading reporter.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { parse } from 'yaml';
import { ROOT, loadCourse } from '../core/course.js';
import { TAMPER_COMMAND } from '../report/classroom-tamper.js';
import { WORKFLOW_PATH, classroomWorkflow } from '../report/classroom-workflow.js';

const course = loadCourse();
const text = readFileSync(path.join(ROOT, WORKFLOW_PATH), 'utf8');

test('the checked-in workflow is the one the manifest generates', () => {
  expect(text, `${WORKFLOW_PATH} is out of date: run npm run classroom-workflow`).toBe(classroomWorkflow(course, { tamperCommand: TAMPER_COMMAND }));
});

test('the workflow is valid YAML with a grader per lesson, its points, and the reporter over all of them', () => {
  const workflow = parse(text);
  const steps = workflow.jobs['run-autograding-tests'].steps;
  const graders = steps.filter((/** @type {any} */ s) => s.uses?.startsWith('classroom-resources/autograding-command-grader@'));
  const lessons = graders.filter((/** @type {any} */ s) => s.with.command.startsWith('npm run verify '));
  expect(lessons.map((/** @type {any} */ s) => [s.with.command, s.with['max-score']])).toEqual(course.lessons.map((l) => [`npm run verify ${l.id}`, l.points]));
  const reporter = steps.at(-1);
  expect(reporter.uses).toMatch(/^classroom-resources\/autograding-grading-reporter@/);
  const ids = graders.map((/** @type {any} */ s) => s.id);
  expect(reporter.with.runners.split(',')).toEqual(ids);
  for (const id of ids) expect(reporter.env[`${id.toUpperCase()}_RESULTS`]).toBe(`\${{steps.${id}.outputs.result}}`);
  const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts;
  for (const s of graders) expect(Object.keys(scripts), `${s.with.command} needs its npm script`).toContain(s.with.command.split(' ')[2]);
});
