// What `npm run grade` can promise about untrusted submissions, said plainly: on screen before
// and after grading, and in grades.html. The same words are in docs/classroom.md.

/**
 * @typedef {object} Isolation
 * @property {boolean} sandbox   every submission ran under bubblewrap
 * @property {string} why        why (not), e.g. "bubblewrap (bwrap) is not installed"
 */

/** True with or without the sandbox: the checks run in the same process as the student's code. */
const SELF =
  "Its own grade: its code runs in the same process as its checks, so a determined cheater can fake its own passes from inside. Read the code of surprising full marks.";

/** @param {Isolation} isolation @returns {{ title: string, isolated: string[], notIsolated: string[] }} */
export function isolationFacts({ sandbox, why }) {
  if (sandbox) {
    return {
      title: 'Sandbox: each submission runs under bubblewrap.',
      isolated: [
        'It cannot write any file outside a private /tmp: not this checkout, not the other submissions, not the grades.',
        'It cannot read the other submissions (the folder of submissions is hidden from it), so it cannot pass with a classmate\'s code.',
        'It can reach nothing beyond its own loopback (a network namespace of its own: not even services on this machine).',
        'Every process it starts ends with its run (a PID namespace of its own); time and memory are limited per lesson.',
      ],
      notIsolated: [
        SELF,
        'It can read the rest of what your account can read (the sandbox is read-only, not invisible), and what it prints or throws can appear in the failure messages of grades.html: review the report before you share it.',
      ],
    };
  }
  return {
    title: `NO SANDBOX (${why}): submissions run as your user.`,
    isolated: [
      'Each submission is graded in its own copy of the runner and of its lesson files, made before any student code runs, and that copy is checked for changes after its run.',
      'Processes it leaves behind are stopped where netlings can find them (marked by the run); time and memory are limited per lesson.',
    ],
    notIsolated: [
      SELF,
      'Nothing stops its code from doing what your account can do: read, change or delete your files (this checkout, the other submissions, the grades), reach the network, or start a process that escapes the marking and outlives grading.',
      'So a hostile submission can change another student\'s grade or this checkout undetected. Grade untrusted code only with the sandbox (Linux with bubblewrap: apt-get install bubblewrap), or inside a throwaway virtual machine or container.',
    ],
  };
}

/** The note for the terminal. @param {Isolation} isolation */
export function isolationText(isolation) {
  const f = isolationFacts(isolation);
  return [f.title, ...f.isolated.map((l) => `  + ${l}`), ...f.notIsolated.map((l) => `  - ${l}`)].join('\n');
}
