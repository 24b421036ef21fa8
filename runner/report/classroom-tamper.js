// The command the Classroom workflow runs to check that the hidden tests and the runner are the
// ones this repository shipped (see docs/classroom.md for its limits).
export const TAMPER_COMMAND = 'npm run check-tests';
