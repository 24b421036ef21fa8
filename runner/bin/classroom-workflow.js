#!/usr/bin/env node
// `npm run classroom-workflow`: (re)writes .github/workflows/classroom.yml from the manifest.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, loadCourse } from '../core/course.js';
import { TAMPER_COMMAND } from '../report/classroom-tamper.js';
import { WORKFLOW_PATH, classroomWorkflow } from '../report/classroom-workflow.js';

const file = path.join(ROOT, WORKFLOW_PATH);
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, classroomWorkflow(loadCourse(), { tamperCommand: TAMPER_COMMAND }));
console.log(`wrote ${WORKFLOW_PATH}`);
