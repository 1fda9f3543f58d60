// Open data (cgi/api/open_data.c, sql/functions/029_open_data.sql): an
// election's counts in bulk, both counts side by side with every protocol
// version, the identification figures and the scans' hashes (JSON, CSV), and
// the NIST SP 1500-100 v2 export validated against NIST's own JSON schema
// (draft-04, with Ajv) read in place from shared/standards/, its references
// resolved, its totals against the database's.
//
// Elections 990890..990894 are this file's: 990890 a night with some ASU
// finals, some manual counts (one corrected twice, one differing from its
// ASU, some without an ASU report), identification and scans; 990891 a
// night with nothing in yet.  The demo's 2021 parliament (202104) is read only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { request, assertError, assertJsonType, psql, psqlValue } from './lib.mjs';
import { makePdf, makePng } from './files_lib.mjs';
import {
  setupElection, dropElection, ballot, allStations, stationContests, registerDevice, signAs, postReport,
  finalPayload, stationTime, sha256hex, cec,
} from './asu_lib.mjs';

const E = 990890;
const EMPTY = 990891;
const DEMO = 202104;
const X = (e, what) => `/api/v1/results/elections/${e}/export/${what}`;
/*
 * NIST's schema, read in place from shared/standards/ beside the repository
 * (never copied into it): SHAILOO_STANDARDS names the folder, else the
 * repository's ../shared, else (a clone made elsewhere, as CI's clean clone)
 * the ../shared of the repository it was cloned from.
 */
const SCHEMA_FILE = 'NIST_V2_election_results_reporting.json';
const REPO = fileURLToPath(new URL('../../', import.meta.url));
function schemaPath() {
  const dirs = [process.env.SHAILOO_STANDARDS, path.join(REPO, '../shared/standards')];
  try {
    const origin = execFileSync('git', ['-C', REPO, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' }).trim();
    if (origin.startsWith('/')) dirs.push(path.join(origin, '../shared/standards'));
  } catch { /* not a clone: no origin */ }
  const found = dirs.filter(Boolean).map((d) => path.join(d, SCHEMA_FILE)).find((f) => existsSync(f));
  return found ?? path.join(REPO, '../shared/standards', SCHEMA_FILE);
}
const SCHEMA = schemaPath();
const clone = (x) => JSON.parse(JSON.stringify(x));

// ---------------------------------------------------------------- the validator

let validate;

/*
 * NIST's schema as published (draft-04), every format checked, and its
 * "refTypes" annotations made a check: each reference names an object of
 * the report with that @id and one of those @types.
 */
function validator() {
  assert.ok(existsSync(SCHEMA), `NIST's schema is not at ${SCHEMA}: the tests read it in place from the `
    + 'shared/ folder beside the repository (shared/standards/NIST_V2_election_results_reporting.json)');
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const index = new WeakMap();
  const idsOf = (root) => {
    if (!index.has(root)) {
      const ids = new Map();
      const walk = (x) => {
        if (Array.isArray(x)) x.forEach(walk);
        else if (x && typeof x === 'object') {
          if (typeof x['@id'] === 'string') {
            if (ids.has(x['@id'])) ids.set(x['@id'], 'DUPLICATE');
            else ids.set(x['@id'], x['@type']);
          }
          Object.values(x).forEach(walk);
        }
      };
      walk(root);
      index.set(root, ids);
    }
    return index.get(root);
  };
  ajv.addKeyword({
    keyword: 'refTypes',
    schemaType: 'array',
    errors: true,
    validate: function refTypes(types, data, _parent, cxt) {
      if (typeof data !== 'string') return true;
      const t = idsOf(cxt.rootData).get(data);
      if (t !== undefined && types.includes(t)) return true;
      refTypes.errors = [{ keyword: 'refTypes', message: t === undefined ? `no object has @id "${data}"`
        : `"${data}" is a ${t}, not one of ${types.join(', ')}`, params: { types } }];
      return false;
    },
  });
  const v = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  return (doc) => {
    const ok = v(doc);
    const dup = [...idsOf(doc)].filter(([, t]) => t === 'DUPLICATE').map(([id]) => id);
    return { ok: ok && dup.length === 0, errors: [...(v.errors ?? []), ...dup.map((id) => ({ message: `@id ${id} twice` }))] };
  };
}

function assertValid(doc, what) {
  const { ok, errors } = validate(doc);
  assert.ok(ok, `${what} is not a valid NIST ERR v2 report:\n${errors.slice(0, 20)
    .map((e) => `  ${e.instancePath ?? ''} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`).join('\n')}`);
}

// ---------------------------------------------------------------- reading the exports

// Exports share a few connections per address with the other test files' (nginx's limit_conn): 429 is retried.
// Asked of the application itself (X-Shailoo-Direct): the published file may be a few seconds older than
// this test's writes (tests/api/published.test.mjs checks that the files are the application's bytes).
const DIRECT = { 'X-Shailoo-Direct': '1' };
async function getJson(path) {
  const r = await request(path, { retry429: true, headers: DIRECT });
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.text.slice(0, 300)}`);
  assertJsonType(r, path);
  return r.json;
}

// RFC 4180, as the exports write it: rows of cells (quoted cells may hold commas, quotes, newlines).
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; } else if (ch === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else cell += ch;
  }
  assert.equal(cell + row.join(''), '', 'the CSV ends with a newline');
  return rows;
}

async function getCsv(path) {
  const r = await request(path, { retry429: true, headers: DIRECT });
  assert.equal(r.status, 200, `${path}: ${r.status} ${r.text.slice(0, 300)}`);
  assert.match(r.headers['content-type'], /^text\/csv/, `${path}: Content-Type`);
  const [header, ...rows] = parseCsv(r.text);
  for (const [i, row] of rows.entries()) assert.equal(row.length, header.length, `${path}: row ${i + 1} has ${row.length} cells`);
  return rows.map((row) => Object.fromEntries(header.map((h, i) => [h, row[i]])));
}

// ---------------------------------------------------------------- the night

const LINES = ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all'];
let b, stations, admin;
const asuOf = new Map();      // station -> its ASU's contests (as sent)
const manualOf = new Map();   // station -> its manual count's versions' contests (in order)
let M1, MDIFF, MONLY, NONE, complaintId;
const scans = {};             // kind -> [sha256 of each version]
const REASON2 = 'one ballot found invalid at the recount';
const REASON3 = '=HYPERLINK("x") recount ordered by the decision';

// Takes a valid vote from contest c: against all's if it has one, else an entry's with votes to spare.
function takeVote(c, except = -1) {
  if (c.against_all > 0) {
    c.against_all -= 1;
    return;
  }
  const spare = (k) => c.votes[k] - (c.preferences?.[k] ?? []).reduce((x, y) => x + y, 0);
  const j = c.votes.findIndex((v, k) => k !== except && spare(k) > 0);
  assert.ok(j >= 0, 'an entry has a vote to spare');
  c.votes[j] -= 1;
}

async function enter(station, contests, extra = {}) {
  const r = await admin.post(`/api/v1/protocols/elections/${E}/stations/${station.number}`, { contests, ...extra });
  assert.equal(r.status, 201, `protocol of ${station.number}: ${r.text}`);
  manualOf.set(station.number, [...(manualOf.get(station.number) ?? []), contests]);
  return r.json;
}

before(async () => {
  validate = validator();
  setupElection(E);
  setupElection(EMPTY);
  b = ballot(E);
  stations = allStations();
  admin = await cec();
  const home = stations.filter((s) => !s.abroad);
  const abroad = stations.filter((s) => s.abroad);
  // The ASU's finals: two stations of three, and a station abroad.
  const withAsu = [...stations.filter((s, i) => i % 3 !== 2 && !s.abroad), ...abroad.slice(0, 1)];
  for (let i = 0; i < withAsu.length; i += 10) {
    await Promise.all(withAsu.slice(i, i + 10).map(async (s) => {
      const dev = await registerDevice(E, s);
      const contests = stationContests(b, s, s.number * 7 + 1);
      const r = await postReport(signAs(dev, finalPayload(dev, 1, contests)));
      assert.equal(r.status, 201, r.text);
      asuOf.set(s.number, contests);
    }));
  }
  // The manual count: a few stations as their ASU counted, one a vote apart, one with no ASU report, one abroad.
  const asuHome = home.filter((s) => asuOf.has(s.number));
  [M1, MDIFF] = asuHome;
  for (const s of asuHome.slice(2, 6)) await enter(s, asuOf.get(s.number));
  MONLY = home.find((s) => !asuOf.has(s.number));
  NONE = home.filter((s) => !asuOf.has(s.number))[1];
  await enter(MONLY, stationContests(b, MONLY, 4242));
  await enter(abroad[0], stationContests(b, abroad[0], 77));
  const diff = clone(asuOf.get(MDIFF.number));
  diff[0].votes[0] += 1;
  takeVote(diff[0], 0);
  await enter(MDIFF, diff);
  // M1: counted, corrected with a reason, corrected again after a complaint's decision.
  const v1 = asuOf.get(M1.number);
  await enter(M1, v1);
  const v2 = clone(v1);
  v2[0].invalid += 1;
  v2[0].valid -= 1;
  takeVote(v2[0]);
  await enter(M1, v2, { reason: REASON2 });
  complaintId = Number(psqlValue(`INSERT INTO complaints (number, election_id, complainant_pin, complainant_name,
      complainant_kind, subject, station_number, happened_at, summary, received_at, commission_id, arrived_at, review_due)
    VALUES ('Ж-' || :'e' || '-00001', :'e'::integer, '21505199000011', 'Тест', 'voter', 'station', :'s'::integer, now(),
            'Подсчёт голосов вели с нарушениями', now(), (SELECT commission_id FROM stations WHERE number = :'s'::integer),
            now(), now() + interval '3 days') RETURNING id`, { e: E, s: M1.number }).split('\n')[0]);
  const v3 = clone(v2);
  v3[1].votes[0] += 1;
  takeVote(v3[1], 0);
  await enter(M1, v3, { reason: REASON3, complaint_id: complaintId });
  // M1's identification device: its first report and the close.
  const keys = (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const idDev = { id: `8${String(E).padStart(7, '0')}${String(M1.number).padStart(12, '0')}`, privateKey: keys.privateKey };
  let r = await admin.post('/api/v1/asu/devices', { device_id: idDev.id, election_id: E, station_number: M1.number,
    public_key: keys.publicKey.export({ type: 'spki', format: 'pem' }), kind: 'identification' });
  assert.equal(r.status, 201, r.text);
  let seq = 0;
  for (const [stage, face, fingerprint, document] of [['first', 10, 2, 1], ['final', v3[0].issued - 9, 4, 1]]) {
    r = await postReport(signAs(idDev, { kind: 'identification', device_id: idDev.id, election_id: E,
      station: M1.number, seq: ++seq, time: stationTime(), stage, voters: M1.voters, identified: { face, fingerprint, document } }));
    assert.equal(r.status, 201, r.text);
  }
  // M1's scans: the ASU's final report, and the protocol twice (a second version replaces the first).
  const count = Number(psqlValue(`SELECT id FROM station_counts WHERE election_id = :'e'::integer AND station_number = :'s'::integer`,
    { e: E, s: M1.number }));
  const up = async (path, bytes) => {
    const res = await admin.post(path, bytes, { type: 'application/octet-stream' });
    assert.equal(res.status, 201, `${path}: ${res.text}`);
    return res.json.document;
  };
  const pdf = makePdf(1);
  await up(`/api/v1/documents/counts/${count}/asu_final_report`, pdf);
  scans.asu_final_report = [sha256hex(pdf)];
  const png = makePng();
  const first = await up(`/api/v1/documents/counts/${count}/manual_count_protocol`, png);
  const png2 = makePng();
  await up(`/api/v1/documents/${first.id}/versions`, png2);
  scans.manual_count_protocol = [sha256hex(png), sha256hex(png2)];
});

after(() => {
  dropElection(E);
  dropElection(EMPTY);
});

// ---------------------------------------------------------------- the database's sums

// Each contest's sums of its stations' rows, computed here: { contest: { official|asu: { lines, votes } } }.
function dbSums(election) {
  const rows = psql(`SELECT k.id, w.official, count(*), ${LINES.map((l) => `sum(w.${l})`).join(', ')},
        (SELECT string_agg(coalesce(v, 0)::text, ',' ORDER BY i) FROM (SELECT i, sum(w2.votes[i]) AS v
           FROM (SELECT r.votes FROM station_results r WHERE r.contest_id = k.id AND NOT w.official
                 UNION ALL SELECT o.votes FROM station_official o WHERE o.contest_id = k.id AND w.official) w2,
                generate_subscripts(w2.votes, 1) i GROUP BY i) q)
      FROM contests k
      JOIN (SELECT false AS official, r.contest_id, ${LINES.map((l) => `r.${l}`).join(', ')} FROM station_results r
            UNION ALL
            SELECT true, o.contest_id, ${LINES.map((l) => `o.${l}`).join(', ')} FROM station_official o) w
        ON w.contest_id = k.id
     WHERE k.election_id = :'e'::integer GROUP BY k.id, w.official`, { e: election });
  const sums = {};
  for (const [k, official, n, ...rest] of rows) {
    const lines = Object.fromEntries(LINES.map((l, i) => [l, Number(rest[i])]));
    sums[k] ??= {};
    sums[k][official === 't' ? 'official' : 'asu'] = { n: Number(n), lines, votes: rest[LINES.length].split(',').map(Number) };
  }
  return sums;
}

const isOfficial = (c) => c.Type === 'total' && c.Device?.Type === 'manual-count' && c.OtherType === undefined;
const isAsu = (c) => c.Type === 'other' && c.OtherType === 'preliminary-asu' && c.Device?.Type === 'opscan-precinct';

/*
 * The report's totals of each contest in its electoral district (the
 * country, or the district) against the sums of the stations' rows, both
 * counts; and the stations' counts in the report add up to the same.
 */
function assertTotals(report, election) {
  const sums = dbSums(election);
  const contests = report.Election[0].Contest;
  assert.equal(contests.length, Number(psqlValue(`SELECT count(*) FROM contests WHERE election_id = :'e'::integer`, { e: election })));
  for (const k of contests) {
    const id = k['@id'].replace('contest-', '');
    const top = k.ElectoralDistrictId;
    for (const [which, pick] of [['official', isOfficial], ['asu', isAsu]]) {
      const s = sums[id]?.[which];
      const at = (counts, gpu) => counts.filter((c) => c.GpUnitId === gpu && pick(c));
      const sels = k.BallotSelection;
      for (const sel of sels) {
        const pos = sel['@id'].endsWith('-against-all') ? 0 : sel.SequenceOrder;
        const want = s ? (pos === 0 ? s.lines.against_all : s.votes[pos - 1]) : undefined;
        const got = at(sel.VoteCounts, top);
        if (want === undefined) { assert.deepEqual(got, [], `${sel['@id']} ${which}: no count yet`); continue; }
        assert.equal(got.length, 1, `${sel['@id']} ${which}: one count in ${top}`);
        assert.equal(got[0].Count, want, `${sel['@id']} ${which} in ${top}: the report's total is the stations' sum`);
        const byStation = sel.VoteCounts.filter((c) => c.GpUnitId.startsWith('ru-station-') && pick(c));
        assert.equal(byStation.length, s.n, `${sel['@id']} ${which}: a count of every station that has one`);
        assert.equal(byStation.reduce((x, c) => x + c.Count, 0), want, `${sel['@id']} ${which}: its stations add up`);
      }
      const summary = at(k.SummaryCounts, top);
      if (!s) { assert.deepEqual(summary, []); continue; }
      assert.equal(summary.length, 1, `${k['@id']} ${which}: the ballots in ${top}`);
      assert.equal(summary[0].BallotsCast, s.lines.in_boxes, `${k['@id']} ${which}: ballots in the boxes`);
      assert.equal(summary[0].BallotsRejected, s.lines.invalid, `${k['@id']} ${which}: invalid ballots`);
      // The valid ballots are every selection's votes.
      assert.equal(sels.reduce((x, sel) => x + (at(sel.VoteCounts, top)[0]?.Count ?? 0), 0), s.lines.valid,
        `${k['@id']} ${which}: the selections' votes are the valid ballots`);
    }
  }
}

// ---------------------------------------------------------------- NIST

describe('NIST ERR v2 export', () => {
  test('a night with some finals and manual counts: valid against NIST\'s schema', async () => {
    const report = await getJson(X(E, 'nist.json'));
    assertValid(report, `election ${E}`);
    assert.equal(report['@type'], 'ElectionResults.ElectionReport');
    assert.equal(report.Format, 'precinct-level');
    assert.equal(report.Status, 'unofficial-partial', 'the manual count is not complete');
    const el = report.Election[0];
    assert.equal(el.StartDate, psqlValue(`SELECT date FROM elections WHERE id = :'e'::integer`, { e: E }));
    assert.equal(el.Type, 'general');
    assert.deepEqual(el.CountStatus.map((c) => [c.OtherType ?? c.Type, c.Status]),
      [['total', 'in-process'], ['preliminary-asu', 'in-process']]);
    // GpUnits: the country, 9 regions, abroad, 36 districts, every station, composed in that order.
    const units = new Map(report.GpUnit.map((u) => [u['@id'], u]));
    assert.equal(units.get('ru-country').Type, 'country');
    assert.equal(units.get('ru-country').ComposingGpUnitIds.length, 10);
    for (const s of stations) {
      const u = units.get(`ru-station-${s.number}`);
      assert.ok(u, `station ${s.number} is a GpUnit`);
      assert.equal(u.Type, 'precinct');
      assert.equal(u.Number, String(s.number));
      const parent = s.abroad ? 'ru-abroad' : `ru-district-${s.district}`;
      assert.ok(units.get(parent).ComposingGpUnitIds.includes(u['@id']), `${parent} is made of station ${s.number}`);
      if (!s.abroad) assert.ok(units.get(`ru-region-${s.region}`).ComposingGpUnitIds.includes(parent));
    }
    // The contests: the lists a PartyContest, each district a CandidateContest, "against all" last.
    const list = el.Contest.find((k) => k['@id'] === `contest-${b.list.id}`);
    assert.equal(list['@type'], 'ElectionResults.PartyContest');
    assert.equal(list.ElectoralDistrictId, 'ru-country');
    assert.equal(list.BallotSelection.length, b.list.entries + 1);
    assert.ok(list.BallotSelection.slice(0, -1).every((s) => s['@type'] === 'ElectionResults.PartySelection'));
    assert.equal(list.BallotSelection.at(-1)['@type'], 'ElectionResults.BallotMeasureSelection');
    assert.equal(list.BallotSelection.at(-1).Selection.Text.find((t) => t.Language === 'ru').Content, 'Против всех');
    const d = el.Contest.find((k) => k['@id'] === `contest-${b.districts[M1.district].id}`);
    assert.equal(d['@type'], 'ElectionResults.CandidateContest');
    assert.equal(d.ElectoralDistrictId, `ru-district-${M1.district}`);
    assert.equal(d.NumberElected, 1);
    assert.equal(d.BallotSelection.length, b.districts[M1.district].entries + 1);
    assert.equal(el.Contest.length, 37);
    // Every district candidate is a Candidate; the list's candidates too, with their places.
    const cands = new Set(el.Candidate.map((c) => c['@id']));
    for (const sel of d.BallotSelection.slice(0, -1)) assert.ok(cands.has(sel.CandidateIds[0]));
    assert.equal(el.Candidate.filter((c) => c.ExternalIdentifier?.some((x) => x.OtherType === 'list-position')).length,
      Number(psqlValue(`SELECT count(*) FROM list_candidates WHERE contest_id = :'k'::integer`, { k: b.list.id })));
    // Both counts in each station that has them, told apart; none where there is none.
    const counts = (gpu) => list.BallotSelection[0].VoteCounts.filter((c) => c.GpUnitId === gpu);
    assert.deepEqual(counts(`ru-station-${MDIFF.number}`).map((c) => [isOfficial(c), isAsu(c), c.Count]),
      [[true, false, manualOf.get(MDIFF.number).at(-1)[0].votes[0]], [false, true, asuOf.get(MDIFF.number)[0].votes[0]]]);
    assert.notEqual(counts(`ru-station-${MDIFF.number}`)[0].Count, counts(`ru-station-${MDIFF.number}`)[1].Count);
    assert.deepEqual(counts(`ru-station-${MONLY.number}`).map((c) => [isOfficial(c), c.Count]),
      [[true, manualOf.get(MONLY.number)[0][0].votes[0]]]);
    assert.deepEqual(counts(`ru-station-${NONE.number}`), []);
    assert.equal(counts(`ru-station-${M1.number}`)[0].Count, manualOf.get(M1.number).at(-1)[0].votes[0], 'the latest version counts');
    assert.deepEqual(units.get(`ru-station-${NONE.number}`).CountStatus.map((c) => c.Status), ['not-processed', 'not-processed']);
    assert.deepEqual(units.get(`ru-station-${M1.number}`).CountStatus.map((c) => c.Status), ['completed', 'completed']);
  });

  test('its totals are the database\'s sums, both counts', async () => {
    assertTotals(await getJson(X(E, 'nist.json')), E);
  });

  test('a night with nothing in yet: valid, no counts, nothing processed', async () => {
    const report = await getJson(X(EMPTY, 'nist.json'));
    assertValid(report, `election ${EMPTY}`);
    assert.equal(report.Status, 'unofficial-partial');
    for (const k of report.Election[0].Contest) {
      assert.deepEqual(k.SummaryCounts ?? [], []);
      assert.ok(k.BallotSelection.every((s) => s.VoteCounts.length === 0));
      assert.deepEqual(k.CountStatus.map((c) => c.Status), ['not-processed', 'not-processed']);
    }
  });

  test(`the demo's 2021 parliament (${DEMO}): valid, certified, its totals the database's`, async () => {
    const t0 = Date.now();
    const report = await getJson(X(DEMO, 'nist.json'));
    const ms = Date.now() - t0;
    assertValid(report, `election ${DEMO}`);
    assert.equal(report.Status, 'certified');
    assertTotals(report, DEMO);
    console.log(`nist.json of ${DEMO}: ${JSON.stringify(report).length} bytes in ${ms} ms`);
  });

  test('the validator is not a yes-man: a broken report is refused, with its faults', async () => {
    const report = await getJson(X(E, 'nist.json'));
    const broken = clone(report);
    delete broken.Election[0].Contest[0].ElectoralDistrictId;
    broken.GpUnit[0].Type = 'galaxy';
    broken.Election[0].Contest[1].BallotSelection[0].CandidateIds = ['cand-0'];
    const { ok, errors } = validate(broken);
    assert.equal(ok, false);
    const text = JSON.stringify(errors);
    assert.match(text, /ElectoralDistrictId/);
    assert.match(text, /no object has @id \\"cand-0\\"/);
    assert.match(text, /allowed values|enum/);
  });
});

// ---------------------------------------------------------------- counts

describe('counts in bulk', () => {
  test('counts.json: both counts of every station, every version, identification, scans\' hashes', async () => {
    const doc = await getJson(X(E, 'counts.json'));
    assert.equal(doc.election.id, E);
    assert.equal(doc.contests.length, 37);
    const byNumber = new Map(doc.stations.map((s) => [s.number, s]));
    assert.equal(doc.stations.length, stations.length, 'every station (each votes in the list contest)');
    for (const s of stations) {
      const st = byNumber.get(s.number);
      assert.equal(st.contests.length, s.abroad ? 1 : 2, `station ${s.number}: its contests`);
      const asu = asuOf.get(s.number), manual = manualOf.get(s.number)?.at(-1);
      st.contests.forEach((c, i) => {
        const what = `station ${s.number} contest ${c.contest_id}`;
        if (asu) {
          for (const l of LINES) assert.equal(c.asu[l], asu[i][l], `${what}: the ASU's ${l}`);
          assert.deepEqual(c.asu.votes, asu[i].votes, `${what}: the ASU's votes`);
          if (c.kind === 'list') assert.deepEqual(c.asu.preferences, asu[i].preferences.flat(), `${what}: preferences`);
          assert.equal(c.asu.report_seq, 1);
        } else assert.equal(c.asu, null, `${what}: no ASU report`);
        if (manual) {
          for (const l of LINES) assert.equal(c.manual[l], manual[i][l], `${what}: the manual count's ${l}`);
          assert.deepEqual(c.manual.votes, manual[i].votes, `${what}: the manual count's votes`);
          assert.equal(c.manual.version, manualOf.get(s.number).length);
        } else assert.equal(c.manual, null, `${what}: no manual count`);
      });
      assert.equal(st.versions.length, manualOf.get(s.number)?.length ?? 0, `station ${s.number}: its versions`);
    }
    const m1 = byNumber.get(M1.number);
    assert.deepEqual(m1.versions.map((v) => [v.version, v.reason, v.complaint?.id ?? null]),
      [[1, null, null], [2, REASON2, null], [3, REASON3, complaintId]]);
    const bodies = psql(`SELECT version, body, encode(sha256, 'hex') FROM protocol_versions
                          WHERE election_id = :'e'::integer AND station_number = :'s'::integer ORDER BY version`, { e: E, s: M1.number });
    m1.versions.forEach((v, i) => {
      assert.equal(v.sha256, sha256hex(bodies[i][1]), `version ${v.version}: the SHA-256 of its text in the log`);
      assert.deepEqual(v.contests, manualOf.get(M1.number)[i], `version ${v.version}: its figures as entered`);
      assert.equal(v.role, 'cec_admin');
      assert.ok(v.entered_by && v.entered_at && v.log_seq > 0);
    });
    assert.ok(!JSON.stringify(doc).includes(admin.pin), 'no PIN of who entered them');
    assert.deepEqual(m1.identification.map((i) => [i.stage, i.face, i.fingerprint, i.document]),
      [['first', 10, 2, 1], ['final', manualOf.get(M1.number).at(-1)[0].issued - 9, 4, 1]]);
    const docs = m1.documents.map((d) => [d.kind, d.version, d.sha256]);
    assert.deepEqual(docs, [['asu_final_report', 1, scans.asu_final_report[0]],
      ['manual_count_protocol', 1, scans.manual_count_protocol[0]], ['manual_count_protocol', 2, scans.manual_count_protocol[1]]]);
    assert.ok(m1.documents.every((d) => d.file === `/api/v1/documents/${d.id}/file`));
    const file = await request(m1.documents[0].file, { retry429: true });
    assert.equal(file.status, 200, 'a scan\'s file is public');
    assert.equal(file.bytes, m1.documents[0].size);
    assert.deepEqual(byNumber.get(NONE.number).documents, []);
  });

  test('counts.csv: a row per station and contest, asu_* beside manual_*, every line, entry and place', async () => {
    const rows = await getCsv(X(E, 'counts.csv'));
    const header = Object.keys(rows[0]);
    const entries = Math.max(b.list.entries, ...Object.values(b.districts).map((d) => d.entries));
    for (const p of ['asu', 'manual']) {
      for (const l of ['reported', ...LINES]) assert.ok(header.includes(`${p}_${l}`), `${p}_${l}`);
      for (let i = 1; i <= entries; i++) assert.ok(header.includes(`${p}_entry_${i}`));
      b.list.shape.forEach((len, e) => { for (let q = 1; q <= len; q++) assert.ok(header.includes(`${p}_pref_${e + 1}_${q}`)); });
    }
    assert.equal(rows.length, stations.reduce((n, s) => n + (s.abroad ? 1 : 2), 0));
    const row = (n, kind) => rows.find((r) => r.station === String(n) && r.contest_kind === kind);
    for (const s of [M1, MDIFF, MONLY, NONE]) {
      const asu = asuOf.get(s.number), manual = manualOf.get(s.number)?.at(-1);
      ['list', 'district'].forEach((kind, i) => {
        const r = row(s.number, kind);
        assert.equal(r.asu_reported, asu ? '1' : '0');
        assert.equal(r.manual_reported, manual ? '1' : '0');
        for (const l of LINES) {
          assert.equal(r[`asu_${l}`], asu ? String(asu[i][l]) : '', `${s.number} ${kind} asu_${l}`);
          assert.equal(r[`manual_${l}`], manual ? String(manual[i][l]) : '', `${s.number} ${kind} manual_${l}`);
        }
        (manual?.[i].votes ?? []).forEach((v, j) => assert.equal(r[`manual_entry_${j + 1}`], String(v)));
        (asu?.[i].votes ?? []).forEach((v, j) => assert.equal(r[`asu_entry_${j + 1}`], String(v)));
        if (kind === 'list' && manual) assert.equal(r.manual_pref_1_1, String(manual[0].preferences[0][0]));
        if (kind === 'district') assert.equal(r.manual_pref_1_1, '', 'no places in a district\'s contest');
      });
    }
    assert.equal(row(M1.number, 'list').manual_version, '3');
    assert.equal(row(M1.number, 'list').id_final_face, String(manualOf.get(M1.number).at(-1)[0].issued - 9));
    assert.equal(row(MDIFF.number, 'list').id_final_face, '');
  });

  test('versions.csv: a row per version and contest, the reason\'s cell safe in a spreadsheet', async () => {
    const rows = await getCsv(X(E, 'versions.csv'));
    const total = [...manualOf.entries()].reduce((n, [s, v]) => n + v.length * v[0].length, 0);
    assert.equal(rows.length, total);
    const m1 = rows.filter((r) => r.station === String(M1.number));
    assert.deepEqual(m1.map((r) => [r.version, r.contest_kind]),
      [['1', 'list'], ['1', 'district'], ['2', 'list'], ['2', 'district'], ['3', 'list'], ['3', 'district']]);
    assert.equal(m1[2].reason, REASON2);
    assert.equal(m1[4].reason, `'${REASON3}`, 'a cell that would be a formula starts with a quote');
    assert.equal(m1[4].complaint_id, String(complaintId));
    const shas = psql(`SELECT encode(sha256, 'hex') FROM protocol_versions WHERE election_id = :'e'::integer
                        AND station_number = :'s'::integer ORDER BY version`, { e: E, s: M1.number }).map((r) => r[0]);
    assert.deepEqual([m1[0].sha256, m1[2].sha256, m1[4].sha256], shas);
    manualOf.get(M1.number).forEach((v, i) => {
      assert.equal(m1[2 * i].manual_invalid, String(v[0].invalid));
      assert.equal(m1[2 * i + 1].manual_entry_1, String(v[1].votes[0]));
    });
  });

  test('scans.csv: every version of every scan with its SHA-256', async () => {
    const rows = await getCsv(X(E, 'scans.csv'));
    assert.deepEqual(rows.map((r) => [r.station, r.kind, r.version, r.sha256]), [
      [String(M1.number), 'asu_final_report', '1', scans.asu_final_report[0]],
      [String(M1.number), 'manual_count_protocol', '1', scans.manual_count_protocol[0]],
      [String(M1.number), 'manual_count_protocol', '2', scans.manual_count_protocol[1]],
    ]);
    assert.equal(rows[2].replaces, rows[1].document_id);
  });

  test(`the demo's ${DEMO}: every export answers, the CSV's totals are the database's`, async () => {
    const times = {};
    for (const what of ['counts.json', 'counts.csv', 'versions.csv', 'scans.csv']) {
      const t0 = Date.now();
      const r = await request(X(DEMO, what), { retry429: true });
      times[what] = `${r.bytes} bytes in ${Date.now() - t0} ms`;
      assert.equal(r.status, 200, `${what}: ${r.text.slice(0, 200)}`);
    }
    console.log(`${DEMO}: ${JSON.stringify(times)}`);
    const rows = await getCsv(X(DEMO, 'counts.csv'));
    const sums = dbSums(DEMO);
    const list = psqlValue(`SELECT id FROM contests WHERE election_id = :'e'::integer AND kind = 'list'`, { e: DEMO });
    const of = (p, col) => rows.filter((r) => r.contest_id === list).reduce((x, r) => x + Number(r[`${p}_${col}`] || 0), 0);
    assert.equal(of('manual', 'in_boxes'), sums[list].official.lines.in_boxes);
    assert.equal(of('asu', 'entry_1'), sums[list].asu.votes[0]);
  });
});

describe('bad ids', () => {
  test('an unknown election: 404; a malformed id: 400; each in the error format', async () => {
    for (const what of ['nist.json', 'counts.json', 'counts.csv', 'versions.csv', 'scans.csv']) {
      assertError(await request(X(990894, what), { retry429: true }), 404, 'election_not_found');
      for (const bad of ['abc', '0', '-1', '99999999999', '1.5']) {
        assertError(await request(X(bad, what), { retry429: true }), 400);
      }
    }
  });
});
