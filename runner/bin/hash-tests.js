#!/usr/bin/env node
// `npm run hash-tests`: (re)writes runner/integrity.sha256, the hash manifest of the hidden tests,
// the harness and the runner (core/integrity.js). Run it after changing any of them on purpose.
// `npm run check-tests` (--check): exits 1 and says what differs when they do not match it; the
// GitHub Classroom workflow runs it as its tamper check.
import { MANIFEST, RESTORE, checkIntegrity, describeTampering, writeManifest } from '../core/integrity.js';

if (process.argv.includes('--check')) {
  const report = checkIntegrity();
  if (report.ok) {
    console.log(`The hidden tests and the runner match ${MANIFEST}.`);
  } else {
    console.error(`The hidden tests or the runner differ from ${MANIFEST}: ${describeTampering(report)}.`);
    console.error(`Restore them: ${RESTORE}   (maintainers who changed them on purpose: npm run hash-tests)`);
    process.exitCode = 1;
  }
} else {
  const count = writeManifest();
  console.log(`Wrote ${MANIFEST}: ${count} files.`);
}
