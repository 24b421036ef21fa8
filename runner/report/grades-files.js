// What `npm run grade` writes: grades.csv (student, points per lesson, total) and a
// self-contained grades.html (no external assets; each failure's message one click away).
import { isolationFacts } from './grade-isolation.js';

/**
 * @typedef {object} StudentResult
 * @property {string} student
 * @property {ReturnType<typeof import("./json-report.js").jsonReport>} [report]
 * @property {string} [problem]  why the submission could not be graded at all
 */

/** RFC 4180: quote a field when it holds a comma, a quote or a line break. */
const csvField = (/** @type {string | number} */ v) => (/[",\r\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));

/**
 * @param {import('../core/course.js').Lesson[]} lessons
 * @param {StudentResult[]} results
 */
export function gradesCsv(lessons, results) {
  const rows = [['student', ...lessons.map((l) => l.id), 'total'].map(csvField).join(',')];
  for (const r of results) {
    const points = lessons.map((l) => r.report?.lessons.find((x) => x.id === l.id)?.points.earned ?? 0);
    const total = Math.round(points.reduce((a, b) => a + b, 0) * 10) / 10;
    rows.push([r.student, ...points, total].map(csvField).join(','));
  }
  return `${rows.join('\r\n')}\r\n`;
}

const html = (/** @type {unknown} */ v) =>
  String(v ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * @param {import('../core/course.js').Lesson[]} lessons
 * @param {StudentResult[]} results
 * @param {{ title?: string, generated?: string, isolation?: import('./grade-isolation.js').Isolation }} [options]
 *   isolation: what kept the submissions apart, said at the top of the page
 */
export function gradesHtml(lessons, results, { title = 'netlings grades', generated = new Date().toISOString(), isolation } = {}) {
  const facts = isolation ? isolationFacts(isolation) : undefined;
  const guard = facts
    ? `<section class="${isolation?.sandbox ? 'guard' : 'guard unsafe'}"><p><strong>${html(facts.title)}</strong></p><ul>${[...facts.isolated.map((l) => `<li>✓ ${html(l)}</li>`), ...facts.notIsolated.map((l) => `<li>✗ ${html(l)}</li>`)].join('')}</ul></section>`
    : '';
  const possible = lessons.reduce((n, l) => n + l.points, 0);
  const head = lessons.map((l) => `<th title="${html(l.title)}">${html(l.id)}<br><small>${l.points} pts</small></th>`).join('');
  const body = results
    .map((r) => {
      const cells = lessons.map((l) => {
        const lesson = r.report?.lessons.find((x) => x.id === l.id);
        if (!lesson) return `<td class="error">—</td>`;
        const failed = lesson.tests.filter((t) => t.status !== 'pass');
        const detail = [lesson.message, ...failed.map((t) => `✗ ${t.name}\n  ${t.message ?? ''}${t.expected !== undefined ? `\n  expected ${t.expected}` : ''}${t.actual !== undefined ? `\n  got      ${t.actual}` : ''}`)]
          .filter(Boolean)
          .join('\n\n');
        const summary = `${lesson.points.earned}/${lesson.points.possible} <small>(${lesson.checks.passed}/${lesson.checks.total})</small>`;
        return detail
          ? `<td class="${lesson.status}"><details><summary>${summary}</summary><pre>${html(detail)}</pre></details></td>`
          : `<td class="${lesson.status}">${summary}</td>`;
      });
      const total = r.report ? r.report.points.earned : 0;
      const name = r.problem ? `${html(r.student)}<br><small class="problem">${html(r.problem)}</small>` : html(r.student);
      return `<tr data-student="${html(r.student)}"><th scope="row">${name}</th>${cells.join('')}<td class="total">${total}/${possible}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html(title)}</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
  table { border-collapse: collapse; }
  th, td { border: 1px solid #ccc; padding: .35em .6em; text-align: center; vertical-align: top; }
  th[scope=row] { text-align: left; }
  td.pass { background: #d9f2d9; } td.fail { background: #fde2c8; } td.error { background: #f8d0d0; }
  td.total { font-weight: bold; }
  details summary { cursor: pointer; }
  pre { text-align: left; white-space: pre-wrap; max-width: 40em; font-size: 12px; }
  .problem { color: #a00; }
  input { margin-bottom: 1em; padding: .3em; }
  .guard { border: 1px solid #ccc; padding: 0 1em; margin-bottom: 1em; max-width: 60em; }
  .guard.unsafe { border: 2px solid #c00; background: #fff0f0; }
  .guard ul { list-style: none; padding-left: 0; }
</style>
</head>
<body>
<h1>${html(title)}</h1>
<p>${results.length} submissions · ${lessons.length} lessons · ${possible} points possible · generated ${html(generated)}.
Green: passes; orange: some checks fail (partial credit); red: could not run. Click a cell for the failures.</p>
${guard}
<input id="filter" type="search" placeholder="Filter students" aria-label="Filter students">
<table id="grades">
<thead><tr><th>student</th>${head}<th>total</th></tr></thead>
<tbody>
${body}
</tbody>
</table>
<script>
  // The only script: filter rows by student name. The page works without it.
  const rows = [...document.querySelectorAll('#grades tbody tr')];
  document.getElementById('filter').addEventListener('input', (e) => {
    const q = e.target.value.toLowerCase();
    for (const row of rows) row.hidden = !row.dataset.student.toLowerCase().includes(q);
  });
  document.body.dataset.ready = 'yes';
</script>
</body>
</html>
`;
}
