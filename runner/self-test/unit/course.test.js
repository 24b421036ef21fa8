import { describe, expect, test } from 'vitest';
import { CourseError, findLesson, lessonPaths, parseCourse } from '../../core/course.js';

const entry = (/** @type {Record<string, unknown>} */ over = {}) => ({ id: '01-tcp-handshake', title: 'T', summary: 'S', points: 10, hints: ['h'], ...over });
const course = (/** @type {unknown[]} */ lessons) => parseCourse({ format_version: 1, lessons });

describe('parseCourse', () => {
  test('derives every path from the id', () => {
    const [lesson] = course([entry()]).lessons;
    expect(lesson).toMatchObject({
      number: 1,
      slug: 'tcp-handshake',
      explainer: 'lessons/01-tcp-handshake.md',
      exercise: 'exercises/01-tcp-handshake.ts',
      solution: 'solutions/01-tcp-handshake.ts',
      hiddenTest: 'runner/hidden-tests/01-tcp-handshake.test.ts',
    });
  });

  test.each([
    [{ format_version: 2, lessons: [entry()] }, /format_version is 2/],
    [{ format_version: 1, lessons: [] }, /non-empty array/],
    [{ format_version: 1, lessons: [entry({ id: 'tcp' })] }, /"id" must look like/],
    [{ format_version: 1, lessons: [entry(), entry()] }, /duplicate id/],
    [{ format_version: 1, lessons: [entry({ hints: [] })] }, /"hints" must be a non-empty array/],
    [{ format_version: 1, lessons: [entry({ hints: [' '] })] }, /"hints"/],
    [{ format_version: 1, lessons: [entry({ points: 0 })] }, /"points"/],
    [{ format_version: 1, lessons: [entry({ title: '' })] }, /"title"/],
    [{ format_version: 1, lessons: [entry({ id: '02-udp' }), entry({ id: '01-tcp' })] }, /numbered in course order; expected a number above 02/],
  ])('rejects a broken manifest with a message naming the problem (%#)', (raw, message) => {
    expect(() => parseCourse(raw)).toThrow(CourseError);
    expect(() => parseCourse(raw)).toThrow(message);
  });
});

describe('findLesson', () => {
  const c = course([entry(), entry({ id: '02-server-events' }), entry({ id: '03-half-open-pause' }), entry({ id: '04-udp' })]);
  test.each(['04-udp', '04', '4', 'udp', 'UDP', ' 04 '])('finds 04-udp by %j', (name) => {
    expect(findLesson(c, name)?.id).toBe('04-udp');
  });
  test.each(['5', '00', 'tcp', '04-udp-x', ''])('finds nothing for %j', (name) => {
    expect(findLesson(c, name)).toBeUndefined();
  });
});

test('lessonPaths can point the exercise at another folder', () => {
  expect(lessonPaths('04-udp', 'solutions').exercise).toBe('solutions/04-udp.ts');
});
