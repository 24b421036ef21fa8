// The GitHub Classroom autograding workflow, generated from lessons/course.json: one
// command-grader step per lesson (its points from the manifest), then the grading reporter.
// `npm run classroom-workflow` writes it; the self-test fails when the checked-in file differs.
import { stringify } from 'yaml';

export const WORKFLOW_PATH = '.github/workflows/classroom.yml';

/** @param {import('../core/course.js').Lesson} lesson */
const stepId = (lesson) => `lesson-${String(lesson.number).padStart(2, '0')}`;

/**
 * @param {import('../core/course.js').Course} course
 * @param {{ tamperCommand: string }} options
 */
export function classroomWorkflow(course, { tamperCommand }) {
  const graders = course.lessons.map((lesson) => ({
    name: `${lesson.id} · ${lesson.title}`,
    id: stepId(lesson),
    uses: 'classroom-resources/autograding-command-grader@v1',
    with: {
      'test-name': `${lesson.id} · ${lesson.title}`,
      'setup-command': '',
      command: `npm run verify ${lesson.id}`,
      timeout: 5,
      'max-score': lesson.points,
    },
  }));
  const workflow = {
    name: 'Autograding Tests',
    on: ['push', 'repository_dispatch'],
    permissions: { checks: 'write', actions: 'read', contents: 'read' },
    jobs: {
      'run-autograding-tests': {
        'runs-on': 'ubuntu-latest',
        if: "github.actor != 'github-classroom[bot]'",
        steps: [
          { name: 'Checkout code', uses: 'actions/checkout@v4' },
          { name: 'Set up Node.js', uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
          { name: 'Install', run: 'npm ci --no-audit --no-fund' },
          {
            // Worth nothing, shown first: a student who edited the hidden tests or the runner
            // sees "hidden tests were modified", and verify refuses every pass (0 points).
            name: 'hidden tests were not modified',
            id: 'hidden-tests',
            uses: 'classroom-resources/autograding-command-grader@v1',
            with: { 'test-name': 'hidden tests were not modified', 'setup-command': '', command: tamperCommand, timeout: 1, 'max-score': 0 },
          },
          ...graders,
          {
            name: 'Autograding Reporter',
            uses: 'classroom-resources/autograding-grading-reporter@v1',
            env: Object.fromEntries(['hidden-tests', ...graders.map((g) => g.id)].map((id) => [`${id.toUpperCase()}_RESULTS`, `\${{steps.${id}.outputs.result}}`])),
            with: { runners: ['hidden-tests', ...graders.map((g) => g.id)].join(',') },
          },
        ],
      },
    },
  };
  return `# Generated from lessons/course.json by \`npm run classroom-workflow\`: change points there and
# regenerate. How to use it: docs/classroom.md.
${stringify(workflow, { lineWidth: 0 })}`;
}
