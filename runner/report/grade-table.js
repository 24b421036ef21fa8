// The table `verify --all` ends with: lesson, checks passed/total, points earned/possible.
import { FAIL, PASS, bold, dim } from './style.js';

/** @param {import('./grades.js').LessonGrade[]} grades */
export function gradeTable(grades) {
  const idWidth = Math.max(6, ...grades.map((g) => g.id.length));
  const mark = (/** @type {import('./grades.js').LessonGrade} */ g) => (g.status === 'pass' ? PASS : FAIL);
  const lines = [bold(`  ${'lesson'.padEnd(idWidth)}  ${'checks'.padStart(7)}  ${'points'.padStart(11)}`)];
  for (const g of grades) {
    const checks = g.status === 'error' && g.total === 0 ? 'error' : `${g.passed}/${g.total}`;
    lines.push(`${mark(g)} ${g.id.padEnd(idWidth)}  ${checks.padStart(7)}  ${`${g.earned}/${g.possible}`.padStart(11)}${g.status === 'error' ? dim('  could not run') : ''}`);
  }
  const earned = Math.round(grades.reduce((n, g) => n + g.earned, 0) * 10) / 10;
  const possible = grades.reduce((n, g) => n + g.possible, 0);
  const passed = grades.filter((g) => g.status === 'pass').length;
  lines.push(bold(`  ${'total'.padEnd(idWidth)}  ${`${passed}/${grades.length}`.padStart(7)}  ${`${earned}/${possible}`.padStart(11)}`));
  return lines.join('\n');
}
