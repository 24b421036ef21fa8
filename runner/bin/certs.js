#!/usr/bin/env node
// `npm run certs [-- "client name"]`: writes a small PKI into certs/ (see certs/README.md).
import { certs } from '../cli/certs.js';

process.exitCode = await certs(process.argv.slice(2));
