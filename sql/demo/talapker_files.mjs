#!/usr/bin/env node
// The demo's documents (sql/demo/talapker.sql, protocols_night.sql): one small
// file per kind of Talapker's package and of a station's scans, the same bytes every time, written into DIR as
// KIND.pdf (photo.png for the photograph; biography_v2.pdf, a corrected
// biography).  scripts/instance.sh stores them as uploads are stored
// (build/shailoo --store-file) and hands their hashes to the demo.
//
//   node sql/demo/talapker_files.mjs DIR
import fs from 'node:fs';
import path from 'node:path';
import { makePdf, makePng } from '../../tests/api/files_lib.mjs';

const KINDS = ['congress_decision', 'party_program', 'deposit_proof', 'nomination_decision',
  'self_nomination_statement', 'biography', 'biography_v2', 'program', 'passport_copy', 'work_certificate',
  'citizenship_statement', 'criminal_record_info', 'personal_data_consent', 'diploma',
  // ...and a station's scans after election night (sql/demo/protocols_night.sql).
  'manual_count_protocol', 'asu_final_report', 'identification_final_report'];

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: talapker_files.mjs DIR\n');
  process.exit(2);
}
fs.mkdirSync(dir, { recursive: true });
for (const kind of KINDS) fs.writeFileSync(path.join(dir, `${kind}.pdf`), makePdf(kind === 'program' || kind === 'party_program' ? 3 : 1, `Shailoo demo: ${kind}`));
fs.writeFileSync(path.join(dir, 'photo.png'), makePng('Shailoo demo: photo'));
