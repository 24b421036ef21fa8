import { expect, test } from 'vitest';
import { consoleCommands, fill, outputMatches, toolsOf } from '../../core/console-blocks.js';

const md = [
  'Text',
  '```sh',
  '$ not a console block',
  '```',
  '```console',
  "$ printf 'hi\\n' | nc -N -w 2 127.0.0.1 PORT",
  'HELLO',
  'HI',
  '',
  '$ dig +short -p PORT @127.0.0.1 example.test MX',
  '...',
  '```',
].join('\n');

test('reads commands and their expected output from console fences only', () => {
  expect(consoleCommands(md)).toEqual([
    { command: "printf 'hi\\n' | nc -N -w 2 127.0.0.1 PORT", expected: ['HELLO', 'HI'], line: 6 },
    { command: 'dig +short -p PORT @127.0.0.1 example.test MX', expected: ['...'], line: 10 },
  ]);
});

test('fills placeholders and names the tools a command needs', () => {
  expect(fill('nc 127.0.0.1 PORT -CAfile CERTS/ca.pem', { PORT: '4000', CERTS: '/tmp/c' })).toBe('nc 127.0.0.1 4000 -CAfile /tmp/c/ca.pem');
  expect(toolsOf("printf 'x' | nc -N -w 2 127.0.0.1 4000")).toEqual(['nc']);
  expect(toolsOf('openssl s_client -connect x')).toEqual(['openssl']);
  expect(toolsOf('echo ncat')).toEqual([]);
});

test('matches output exactly, with ... for any lines', () => {
  expect(outputMatches(['HELLO', 'HI'], 'HELLO\nHI\n')).toBe(true);
  expect(outputMatches(['HELLO', 'HI'], 'HELLO\nHI\nMORE\n')).toBe(false);
  expect(outputMatches(['HELLO', '...', 'BYE'], 'HELLO\na\nb\nBYE\n')).toBe(true);
  expect(outputMatches(['...'], '')).toBe(true);
  expect(outputMatches([], '')).toBe(true);
  expect(outputMatches([], 'x')).toBe(false);
});
