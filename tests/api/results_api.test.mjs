// The results API (/api/v1/results/elections/{id}/...) after a whole night
// of our own test election (990781; never the demo's 202701): every station
// opens, reports turnout and (most of them) a final, fired all at once; then
// every figure the API shows is checked against what was sent, computed here
// (sums, percentages, leaders), the log is verified from start to end, and
// the events, exports, seats and refusals are checked.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request, psql, assertError, assertKeys, assertJsonType, assertStationMatchesDb } from './lib.mjs';
import {
  setupElection, dropElection, ballot, allStations, registerDevice, signAs, postReport, openingPayload,
  turnoutPayload, finalPayload, stationContests, areaSumMismatches, turnoutMismatches, verifyLog, logHead, fresh,
} from './asu_lib.mjs';

const E = 990781;
const MISSING = 990789;       // no such election
const KEEP = process.env.KEEP_TEST_ELECTIONS === '1';
const R = `/api/v1/results/elections/${E}`;
const LINES = ['voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid', 'valid', 'against_all'];
// Stations that send no final: both of district 36 (its contest awaits results), one abroad, a few more.
const NO_FINAL = new Set([1010, 2004, 3006, 4014, 5006, 6004, 7016, 8004, 9007, 9008, 10003]);
// Stations that report turnout at 12 too.
const AT_NOON = (n) => n % 3 === 0;

let b;                        // the ballot
let stations;                 // every station
const devs = new Map();       // station -> device
const finals = new Map();     // station -> the contests of its final
const turnout = new Map();    // station -> { hour: { voters, voted } }
let entriesDb;                // contest -> [ballot entry rows from the database]
let head;                     // the log's head after the night
const lastSeq = new Map();    // station -> the log's seq of its last report
let log;                      // the verified log entries

// ---------------------------------------------------------------- expectations

// round(part * 100 / whole, 2) as PostgreSQL's numeric does it, in hundredths (null when whole is 0).
function pct(part, whole) {
  if (Number(whole) === 0) return null;
  const num = BigInt(part) * 10000n;
  const den = BigInt(whole);
  return Number((2n * num + den) / (2n * den));
}
const hundredths = (x) => (x === null ? null : Math.round(x * 100));

const addInto = (acc, xs) => (acc === null ? [...xs] : acc.map((v, i) => v + xs[i]));

// The stations an area holds (list contest): 0 the country, 1..9 a region, 10 abroad, 100 + n district n.
function inArea(s, area) {
  if (area === 0) return true;
  if (area === 10) return s.abroad;
  if (area < 10) return !s.abroad && s.region === area;
  return !s.abroad && s.district === area - 100;
}

// The expected sums of a contest over an area: { n, total, voters..., votes, preferences }.
function expected(kind, area) {
  const inIt = stations.filter((s) => (kind === 'list' ? inArea(s, area) : !s.abroad && s.district === area - 100));
  const out = { n: 0, total: inIt.length, votes: null, preferences: null };
  for (const l of LINES) out[l] = 0;
  for (const s of inIt) {
    const f = finals.get(s.number);
    if (!f) continue;
    const c = kind === 'list' ? f[0] : f[1];
    out.n++;
    for (const l of LINES) out[l] += c[l];
    out.votes = addInto(out.votes, c.votes);
    if (c.preferences) out.preferences = addInto(out.preferences, c.preferences.flat());
  }
  const entries = kind === 'list' ? b.list.entries : b.districts[area - 100].entries;
  out.votes ??= Array(entries).fill(0);
  return out;
}

// The turnout series of an area: [{ hour, stations_reported, voters, voted }].
function expectedTurnout(area) {
  const byHour = new Map();
  for (const s of stations.filter((x) => inArea(x, area))) {
    for (const [hour, t] of Object.entries(turnout.get(s.number) ?? {})) {
      const h = byHour.get(Number(hour)) ?? { hour: Number(hour), stations_reported: 0, voters: 0, voted: 0 };
      h.stations_reported++;
      h.voters += t.voters;
      h.voted += t.voted;
      byHour.set(Number(hour), h);
    }
  }
  return [...byHour.values()].sort((x, y) => x.hour - y.hour);
}

function checkSeries(series, area, what) {
  const exp = expectedTurnout(area);
  assert.deepEqual(series.map((t) => [t.hour, t.stations_reported, t.voters, t.voted]),
    exp.map((t) => [t.hour, t.stations_reported, t.voters, t.voted]), `${what}: turnout series`);
  for (const t of series) {
    assertKeys(t, ['hour', 'stations_reported', 'voters', 'voted', 'percent'], `${what}: turnout at ${t.hour}`);
    assert.equal(hundredths(t.percent), pct(t.voted, t.voters), `${what}: turnout percent at ${t.hour}`);
  }
}

// An entry of a ballot as the API shows it, against the database.
function checkEntry(x, db, what) {
  assert.equal(x.ballot_position, db.position, `${what}: ballot position`);
  if (db.party_only) {
    assertKeys(x, ['ballot_position', 'party_id', 'short_name', 'name_ru', 'name_ky', 'withdrawn', 'votes', 'percent'], what);
    assert.equal(x.party_id, db.party_id, `${what}: party`);
    assert.equal(x.short_name, db.short_name, `${what}: short name`);
  } else {
    assertKeys(x, ['ballot_position', 'candidate_id', 'name', 'sex', 'party', 'withdrawn', 'votes', 'percent'], what);
    assert.equal(x.candidate_id, db.candidate_id, `${what}: candidate`);
    assert.equal(x.name, db.name, `${what}: name`);
    assert.equal(x.party === null ? null : x.party.id, db.party_id, `${what}: nominated by`);
  }
  assert.equal(x.withdrawn, db.withdrawn, `${what}: withdrawn`);
}

/*
 * An area's figures (results_area_figures_json) against the expectation:
 * stations, every line, turnout and against all with their percentages,
 * the leader, and (withEntries) every entry with its votes.
 */
function checkFigures(f, kind, area, { contest, withEntries, what }) {
  assertKeys(f, ['area', 'contest_id', 'stations', 'voters', 'received', 'issued', 'cancelled', 'in_boxes', 'invalid',
    'valid', 'turnout', 'against_all', 'leader', 'entries', 'official', 'updated_at'], what);
  const exp = expected(kind, area);
  // The official count's sums beside (no protocol entered in this election): every station still to count.
  assert.deepEqual([f.official.stations.total, f.official.stations.reported, f.official.in_boxes, f.official.official],
    [exp.total, 0, 0, null], `${what}: the official count's sums, none yet`);
  assert.equal(f.area.area, area, `${what}: area`);
  assert.equal(f.area.kind, area === 0 ? 'country' : area === 10 ? 'abroad' : area < 10 ? 'region' : 'district', `${what}: area kind`);
  assert.equal(f.contest_id, contest, `${what}: contest`);
  assert.deepEqual([f.stations.total, f.stations.reported], [exp.total, exp.n], `${what}: stations`);
  assert.equal(hundredths(f.stations.percent), pct(exp.n, exp.total), `${what}: stations percent`);
  for (const l of LINES.filter((x) => x !== 'against_all')) assert.equal(f[l], exp[l], `${what}: ${l}`);
  assert.equal(hundredths(f.turnout), pct(exp.issued, exp.voters), `${what}: turnout = issued / voters`);
  assert.deepEqual(f.against_all.votes, exp.against_all, `${what}: against all`);
  assert.equal(hundredths(f.against_all.percent), pct(exp.against_all, exp.in_boxes), `${what}: against all percent`);
  // The leader: the most votes, the first on the ballot among equals; none while nobody has a vote.
  const max = Math.max(...exp.votes);
  if (max === 0) {
    assert.equal(f.leader, null, `${what}: no leader yet`);
  } else {
    const i = exp.votes.indexOf(max);
    assert.equal(f.leader.ballot_position, i + 1, `${what}: leader`);
    assert.equal(f.leader.votes, max, `${what}: leader's votes`);
    assert.equal(hundredths(f.leader.percent), pct(max, exp.in_boxes), `${what}: leader's percent`);
  }
  if (!withEntries) {
    assert.equal(f.entries, null, `${what}: no entries in brief`);
    return;
  }
  const db = entriesDb.get(contest);
  assert.equal(f.entries.length, db.length, `${what}: every entry of the ballot`);
  f.entries.forEach((x, i) => {
    checkEntry(x, db[i], `${what}: entry ${i + 1}`);
    assert.equal(x.votes, exp.votes[i], `${what}: entry ${i + 1}'s votes`);
    assert.equal(hundredths(x.percent), pct(exp.votes[i], exp.in_boxes), `${what}: entry ${i + 1}'s percent`);
  });
}

/*
 * The log entry an answer shows as its election's "log": for the whole
 * election the head; for an area or a station the entry of the latest
 * report of its stations (017_publish.sql), so that an answer, and its
 * published file, changes only when a report of its own comes.
 */
const areaSeq = (area) => Math.max(0, ...stations.filter((s) => inArea(s, area)).map((s) => lastSeq.get(s.number) ?? 0));

function checkElection(el, what, seq = head.seq) {
  assertKeys(el, ['id', 'date', 'name_ru', 'name_ky', 'type', 'status', 'turnout_hours', 'log'], `${what}: election`);
  assert.equal(el.id, E);
  assert.equal(el.status, 'counting');
  assert.equal(el.type, 'parliamentary');
  assert.deepEqual(el.turnout_hours, [10, 12, 14, 16, 18]);
  const entry = log.find((x) => x.seq === seq);
  assert.ok(entry, `${what}: entry ${seq} of the log`);
  assert.deepEqual(el.log, { seq, hash: entry.hash }, `${what}: the log's entry`);
}

// A GET of the results API, once it shows the night up to minSeq (published
// answers are written a moment after the reports; the workers keep one 250 ms).
async function getNight(path, minSeq = head.seq) {
  const res = await fresh(`${R}${path}`, (r) => r.status === 200 && r.json?.election?.log?.seq >= minSeq);
  assert.equal(res.status, 200, `${path}: ${res.status} ${res.text.slice(0, 300)}`);
  assertJsonType(res, path);
  return res.json;
}

function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n') { row.push(field); rows.push(row); row = []; field = ''; } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

function parseSse(text) {
  return text.split('\n\n').filter((blk) => blk.trim() !== '').map((blk) => {
    const f = {};
    for (const line of blk.split('\n')) {
      if (line.startsWith(':')) { f.comment = line.slice(1).trim(); continue; }
      const i = line.indexOf(':');
      const k = line.slice(0, i);
      const v = line.slice(i + 1).replace(/^ /, '');
      f[k] = f[k] === undefined ? v : `${f[k]}\n${v}`;
    }
    return f;
  });
}

// ---------------------------------------------------------------- the night

describe('the results API after a night of our own', () => {
  before(async () => {
    setupElection(E);
    dropElection(MISSING);
    b = ballot(E);
    stations = allStations();
    entriesDb = new Map();
    for (const [contest, pos, party, short, cand, name, withdrawn] of psql(`SELECT x.contest_id, x.ballot_position,
          coalesce(x.party_id::text, ''), coalesce(p.short_name, ''), coalesce(x.candidate_id::text, ''),
          coalesce(concat_ws(' ', c.last_name, c.first_name, c.patronymic), ''), x.withdrawn
        FROM contest_entries x JOIN contests k ON k.id = x.contest_id
        LEFT JOIN parties p ON p.id = x.party_id LEFT JOIN candidates c ON c.id = x.candidate_id
       WHERE k.election_id = :'e'::integer ORDER BY x.contest_id, x.ballot_position`, { e: E })) {
      const list = entriesDb.get(Number(contest)) ?? [];
      list.push({
        position: Number(pos), party_id: party === '' ? null : Number(party), short_name: short,
        candidate_id: cand === '' ? null : Number(cand), name, withdrawn: withdrawn === 't', party_only: cand === '',
      });
      entriesDb.set(Number(contest), list);
    }
    for (let i = 0; i < stations.length; i += 15) {
      const chunk = stations.slice(i, i + 15);
      const ds = await Promise.all(chunk.map((s) => registerDevice(E, s)));
      ds.forEach((d, j) => devs.set(chunk[j].number, d));
    }
  });

  after(() => {
    if (!KEEP) dropElection(E);
  });

  test('every station at once: each report 201, the log without gaps, its chain and signatures verified', async () => {
    const fire = async (items, what) => {
      const res = await Promise.all(items.map(([d, p]) => postReport(signAs(d, p))));
      res.forEach((r, i) => {
        assert.equal(r.status, 201, `${what}, station ${items[i][1].station}: ${r.status} ${r.text.slice(0, 200)}`);
        assert.equal(r.json.report.applied, true, `${what}, station ${items[i][1].station}: applied`);
      });
      res.forEach((r, i) => lastSeq.set(items[i][1].station, Math.max(lastSeq.get(items[i][1].station) ?? 0, r.json.log.seq)));
      return res.map((r) => r.json.log.seq);
    };
    const before = logHead(E).seq;
    const seqs = [];
    // Openings, all 75 at once.
    seqs.push(...await fire(stations.map((s) => [devs.get(s.number), openingPayload(devs.get(s.number), 1, s.voters)]), 'opening'));
    for (const s of stations) turnout.set(s.number, { 8: { voters: s.voters, voted: 0 } });
    // Turnout at 10, all at once; at 12, a third of them.
    seqs.push(...await fire(stations.map((s) => {
      const voted = Math.floor(s.voters * 0.15) + (s.number % 7);
      turnout.get(s.number)[10] = { voters: s.voters, voted };
      return [devs.get(s.number), turnoutPayload(devs.get(s.number), 2, 10, s.voters, voted)];
    }), 'turnout at 10'));
    const noon = stations.filter((s) => AT_NOON(s.number));
    seqs.push(...await fire(noon.map((s) => {
      const voted = Math.floor(s.voters * 0.25);
      turnout.get(s.number)[12] = { voters: s.voters, voted };
      return [devs.get(s.number), turnoutPayload(devs.get(s.number), 3, 12, s.voters, voted)];
    }), 'turnout at 12'));
    // Finals of 64 stations, all at once.
    const withFinal = stations.filter((s) => !NO_FINAL.has(s.number));
    assert.ok(withFinal.length >= 50, `${withFinal.length} finals at once`);
    seqs.push(...await fire(withFinal.map((s) => {
      const c = stationContests(b, s, s.number * 7 + 1);
      finals.set(s.number, c);
      turnout.get(s.number)[20] = { voters: c[0].voters, voted: c[0].issued };
      return [devs.get(s.number), finalPayload(devs.get(s.number), 4, c)];
    }), 'final'));

    // Each report got its own entry: the entries are before+1 .. before+n, none missing, none twice.
    const n = stations.length * 2 + noon.length + withFinal.length;
    assert.deepEqual([...seqs].sort((x, y) => x - y), Array.from({ length: n }, (_, i) => before + i + 1));
    head = logHead(E);
    assert.equal(head.seq, before + n);
    log = await verifyLog(E, { limit: 25 });
    assert.equal(log.length, n);
    assert.deepEqual(areaSumMismatches(E), [], 'the areas\' sums are the stations\' sums');
    assert.deepEqual(turnoutMismatches(E), [], 'the areas\' turnout is the stations\'');
    // The stored figures are the signed figures.
    for (const [number, c] of finals) {
      const [voters, issued, votes] = psql(`SELECT voters, issued, array_to_string(votes, ',') FROM station_results
          WHERE contest_id = :'k'::integer AND station_number = :'s'::integer`, { k: b.list.id, s: number })[0];
      assert.deepEqual([Number(voters), Number(issued), votes], [c[0].voters, c[0].issued, c[0].votes.join(',')]);
    }
  });

  test('summary: the country\'s list contest, stations opened, turnout through the day, every district', async () => {
    const s = await getNight('/summary');
    assertKeys(s, ['election', 'list', 'opened', 'turnout', 'identification', 'flagged', 'contests', 'districts'], 'summary');
    assert.deepEqual([s.identification, s.flagged, s.contests], [[], 0, []], 'summary: no identification reports, no flags, no contests but the parliament\'s');
    checkElection(s.election, 'summary');
    checkFigures(s.list, 'list', 0, { contest: b.list.id, withEntries: true, what: 'summary: list' });
    assert.deepEqual(s.opened, { stations: stations.length });
    checkSeries(s.turnout, 0, 'summary');
    assert.deepEqual(s.turnout.map((t) => t.hour), [8, 10, 12, 20]);
    assert.equal(s.districts.length, 36);
    s.districts.forEach((d, i) => {
      assertKeys(d, ['district', 'contest_id', 'area', 'figures'], `district ${i + 1}`);
      assert.equal(d.district, i + 1);
      assert.equal(d.contest_id, b.districts[i + 1].id);
      assert.equal(d.area.number, i + 1);
      checkFigures(d.figures, 'district', 100 + i + 1, { contest: d.contest_id, withEntries: false, what: `summary: district ${i + 1}` });
    });
    assert.equal(s.districts[35].figures.stations.reported, 0, 'district 36 has no final yet');
  });

  test('regions: the nine regions and abroad; a region with its districts and stations; abroad', async () => {
    const r = await getNight('/regions');
    assertKeys(r, ['election', 'items'], 'regions');
    checkElection(r.election, 'regions');
    assert.deepEqual(r.items.map((x) => x.area.area), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const x of r.items) checkFigures(x, 'list', x.area.area, { contest: b.list.id, withEntries: true, what: `regions: ${x.area.area}` });

    for (const region of [1, 7, 10]) {
      const g = await getNight(`/regions/${region}`, areaSeq(region));
      const what = `regions/${region}`;
      assertKeys(g, ['election', 'region', 'turnout', 'identification', 'districts', 'stations'], what);
      checkElection(g.election, what, areaSeq(region));
      checkFigures(g.region, 'list', region, { contest: b.list.id, withEntries: true, what });
      checkSeries(g.turnout, region, what);
      const ds = [...new Set(stations.filter((s) => !s.abroad && s.region === region).map((s) => s.district))].sort((x, y) => x - y);
      assert.deepEqual(g.districts.map((d) => d.district), ds, `${what}: its districts`);
      for (const d of g.districts) {
        assertKeys(d, ['district', 'name_ru', 'name_ky', 'list', 'contest'], `${what}: district ${d.district}`);
        checkFigures(d.list, 'list', 100 + d.district, { contest: b.list.id, withEntries: false, what: `${what}: district ${d.district}'s list` });
        checkFigures(d.contest.figures, 'district', 100 + d.district,
          { contest: b.districts[d.district].id, withEntries: false, what: `${what}: district ${d.district}'s contest` });
      }
      const mine = stations.filter((s) => inArea(s, region));
      assert.deepEqual(g.stations.map((s) => s.number), mine.map((s) => s.number), `${what}: its stations`);
      for (const s of g.stations) {
        assertKeys(s, ['number', 'name', 'settlement', 'district', 'lat', 'lon', 'reported', 'voters', 'issued', 'in_boxes',
          'turnout', 'counted', 'official_issued', 'flagged'], `${what}: station ${s.number}`);
        assert.deepEqual([s.counted, s.official_issued, s.flagged], [false, null, false], `${what}: station ${s.number}: no manual count`);
        const f = finals.get(s.number);
        assert.equal(s.reported, Boolean(f), `${what}: station ${s.number} reported`);
        assert.deepEqual([s.voters, s.issued, s.in_boxes], f ? [f[0].voters, f[0].issued, f[0].in_boxes] : [null, null, null]);
        assert.equal(hundredths(s.turnout), f ? pct(f[0].issued, f[0].voters) : null);
      }
    }
  });

  test('districts/{n}: the district\'s contest with its candidates, the list contest there, turnout, stations', async () => {
    for (const n of [1, 22, 36]) {
      const d = await getNight(`/districts/${n}`, areaSeq(100 + n));
      const what = `districts/${n}`;
      assertKeys(d, ['election', 'district', 'contest', 'list', 'turnout', 'identification', 'stations'], what);
      checkElection(d.election, what, areaSeq(100 + n));
      assert.equal(d.district.number, n);
      checkFigures(d.contest, 'district', 100 + n, { contest: b.districts[n].id, withEntries: true, what: `${what}: contest` });
      checkFigures(d.list, 'list', 100 + n, { contest: b.list.id, withEntries: true, what: `${what}: list` });
      checkSeries(d.turnout, 100 + n, what);
      assert.deepEqual(d.stations.map((s) => s.number),
        stations.filter((s) => !s.abroad && s.district === n).map((s) => s.number));
    }
    const d36 = await getNight('/districts/36', areaSeq(136));
    assert.equal(d36.contest.leader, null, 'no leader before any final');
    assert.equal(d36.contest.turnout, null, 'no turnout of nobody');
    assert.ok(d36.contest.entries.every((x) => x.votes === 0 && x.percent === null));
  });

  test('stations/{n}: every protocol line, turnout by hour, its signed reports, its device', async () => {
    for (const number of [1001, 1010, 10001, 10003, 9007]) {
      const s = await getNight(`/stations/${number}`, lastSeq.get(number));
      const what = `stations/${number}`;
      const st = stations.find((x) => x.number === number);
      assertKeys(s, ['election', 'station', 'count_id', 'contests', 'versions', 'documents', 'identification', 'flags',
        'turnout', 'reports', 'devices'], what);
      assert.deepEqual([s.versions, s.documents, s.identification, s.flags], [[], [], [], []], `${what}: no manual count yet`);
      checkElection(s.election, what, lastSeq.get(number));
      assertStationMatchesDb(s.station, `${what}: station`);
      const f = finals.get(number);
      assert.deepEqual(s.contests.map((c) => c.kind), st.abroad ? ['list'] : ['list', 'district'], `${what}: its contests`);
      s.contests.forEach((c, i) => {
        const cw = `${what}: ${c.kind}`;
        assertKeys(c, ['contest_id', 'kind', 'district', 'question', 'question_ru', 'question_ky', 'council', 'reported',
          'report_id', 'report_seq', ...LINES.filter((l) => l !== 'against_all'),
          'turnout', 'against_all', 'entries', 'official', 'updated_at'], cw);
        assert.deepEqual([c.question, c.council], [null, null], `${cw}: a parliament's contest`);
        assert.equal(c.official, null, `${cw}: no manual count yet`);
        assert.equal(c.contest_id, i === 0 ? b.list.id : b.districts[st.district].id);
        assert.equal(c.district, i === 0 ? null : st.district);
        assert.equal(c.reported, Boolean(f), `${cw}: reported`);
        if (!f) {
          assert.equal(c.entries, null);
          assert.equal(c.report_seq, null);
          return;
        }
        const exp = f[i];
        assert.equal(c.report_seq, 4);
        for (const l of LINES.filter((x) => x !== 'against_all')) assert.equal(c[l], exp[l], `${cw}: ${l}`);
        assert.equal(c.against_all.votes, exp.against_all);
        assert.equal(hundredths(c.against_all.percent), pct(exp.against_all, exp.in_boxes));
        assert.equal(hundredths(c.turnout), pct(exp.issued, exp.voters));
        assert.deepEqual(c.entries.map((x) => x.votes), exp.votes, `${cw}: votes by ballot position`);
        c.entries.forEach((x, j) => {
          checkEntry(x, entriesDb.get(c.contest_id)[j], `${cw}: entry ${j + 1}`);
          assert.equal(hundredths(x.percent), pct(exp.votes[j], exp.in_boxes));
        });
      });
      const t = turnout.get(number);
      assert.deepEqual(s.turnout.map((x) => [x.hour, x.voters, x.voted]),
        Object.entries(t).map(([h, x]) => [Number(h), x.voters, x.voted]).sort((x, y) => x[0] - y[0]), `${what}: turnout`);
      for (const x of s.turnout) assert.equal(hundredths(x.percent), pct(x.voted, x.voters));
      // Its reports in the order of their seq, each as the log has it.
      const mine = log.filter((e) => e.station === number);
      assert.deepEqual(s.reports.map((r) => [r.seq, r.kind, r.log_seq, r.sha256, r.applied]),
        mine.map((e) => [e.seq_of_device, e.kind, e.seq, e.sha256, e.applied]).sort((x, y) => x[0] - y[0]), `${what}: reports`);
      assert.deepEqual(s.devices.map((d) => [d.device_id, d.revoked_at]), [[devs.get(number).id, null]]);
    }
  });

  test('turnout: the hours 8 to 20 and the series of the country, each region and abroad', async () => {
    const t = await getNight('/turnout');
    assertKeys(t, ['election', 'hours', 'areas'], 'turnout');
    checkElection(t.election, 'turnout');
    assert.deepEqual(t.hours, [8, 10, 12, 14, 16, 18, 20]);
    assert.deepEqual(t.areas.map((a) => a.area.area), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const a of t.areas) checkSeries(a.series, a.area.area, `turnout: area ${a.area.area}`);
  });

  test('log: pages with after and limit, next_after, the head; the default page', async () => {
    const page = async (qs) => {
      const res = await fresh(`${R}/log${qs}`, (r) => r.status === 200 && r.json?.head?.seq === head.seq);
      assert.equal(res.status, 200, `log${qs}: ${res.text.slice(0, 200)}`);
      assertKeys(res.json, ['election_id', 'head', 'items', 'next_after'], `log${qs}`);
      return res.json;
    };
    const first = await page('?after=0&limit=10');
    assert.deepEqual(first.items.map((e) => e.seq), Array.from({ length: 10 }, (_, i) => i + 1));
    assert.equal(first.next_after, 10);
    for (const e of first.items) {
      assertKeys(e, ['seq', 'time', 'sha256', 'prev_hash', 'hash', 'report_id', 'device_id', 'station', 'kind',
        'seq_of_device', 'applied', 'jws'], `log entry ${e.seq}`);
    }
    const dflt = await page('');
    assert.equal(dflt.items.length, 100, 'a page is 100 entries unless told');
    assert.equal(dflt.next_after, 100);
    const last = await page(`?after=${head.seq - 3}&limit=10`);
    assert.deepEqual(last.items.map((e) => e.seq), [head.seq - 2, head.seq - 1, head.seq]);
    assert.equal(last.next_after, null, 'the last page says so');
    const exact = await page(`?after=${head.seq - 5}&limit=5`);
    assert.equal(exact.items.length, 5);
    assert.equal(exact.next_after, null, 'a page ending at the head is the last');
    const beyond = await page(`?after=${head.seq}`);
    assert.deepEqual(beyond.items, []);
    assert.equal(beyond.next_after, null);
    const big = await page('?limit=1000');
    assert.equal(big.items.length, head.seq);
    assert.deepEqual(big.items.map((e) => e.hash), log.map((e) => e.hash));
  });

  test('events: text/event-stream with retry, ids the log\'s seq, after Last-Event-ID or ?after=', async () => {
    const get = (qs = '', headers = {}) => request(`${R}/events${qs}`, { headers });
    // No last id: where the log is now.
    let res = await fresh(`${R}/events`, (r) => r.text.includes(`id: ${head.seq}\n`));
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers['content-type'], /^text\/event-stream/);
    assert.equal(res.headers['cache-control'], 'no-cache');
    assert.ok(res.text.startsWith('retry: 1000\n\n'), 'retry first');
    let ev = parseSse(res.text);
    assert.deepEqual(ev[0], { retry: '1000' });
    assert.deepEqual(ev[1], { id: String(head.seq), event: 'head', data: JSON.stringify({ log_seq: head.seq }) });
    // After Last-Event-ID: the last five entries.
    res = await get('', { 'Last-Event-ID': String(head.seq - 5) });
    assert.equal(res.status, 200);
    ev = parseSse(res.text).slice(1);
    assert.deepEqual(ev.map((e) => Number(e.id)), [1, 2, 3, 4, 5].map((i) => head.seq - 5 + i));
    for (const e of ev) {
      assert.equal(e.event, 'report');
      const data = JSON.parse(e.data);
      assertKeys(data, ['log_seq', 'station', 'kind', 'applied', 'region', 'district', 'abroad', 'time'], `event ${e.id}`);
      const entry = log[Number(e.id) - 1];
      assert.deepEqual([data.log_seq, data.station, data.kind, data.applied, data.time],
        [entry.seq, entry.station, entry.kind, entry.applied, entry.time], `event ${e.id} is its log entry`);
      const st = stations.find((s) => s.number === data.station);
      assert.deepEqual([data.region, data.district, data.abroad], [st.region, st.district, st.abroad]);
    }
    // ?after=0: the whole night (under 500 events).
    res = await get('?after=0');
    ev = parseSse(res.text).slice(1);
    assert.deepEqual(ev.map((e) => Number(e.id)), log.map((e) => e.seq));
    // Last-Event-ID wins over ?after=.
    res = await get('?after=0', { 'Last-Event-ID': String(head.seq - 1) });
    assert.deepEqual(parseSse(res.text).slice(1).map((e) => Number(e.id)), [head.seq]);
    // Nothing new: a comment, and the browser comes back.
    res = await get('', { 'Last-Event-ID': String(head.seq) });
    assert.equal(res.status, 200);
    assert.deepEqual(parseSse(res.text), [{ retry: '1000' }, { comment: `nothing new after ${head.seq}` }]);
    // Bad last ids and parameters.
    for (const v of ['x', '-1', '1.5', '99999999999', '1 2']) {
      assertError(await get('', { 'Last-Event-ID': v }), 400, 'invalid_parameter', 'Last-Event-ID');
    }
    assertError(await get('?after=x'), 400, 'invalid_parameter', 'after');
    assertError(await get('?since=1'), 400, 'unknown_parameter');
    assertError(await request(`/api/v1/results/elections/${MISSING}/events`), 404, 'election_not_found');
    assertError(await request(`/api/v1/results/elections/${MISSING}/events`, { headers: { 'Last-Event-ID': '1' } }),
      404, 'election_not_found');
  });

  test('export: list.csv and districts.csv, a header and one row per station; stations.json', async () => {
    // The exports are published every few seconds at most (PUBLISH_EXPORT_MS): wait for the night's.
    const reportedRows = (text) => parseCsv(text).slice(1).filter((r) => r[4] === '1').length;
    const homeFinals = [...finals.keys()].filter((n) => !stations.find((x) => x.number === n).abroad).length;
    const res = await fresh(`${R}/export/list.csv`, (r) => r.status === 200 && reportedRows(r.text) === finals.size,
      { timeoutMs: 20000 });
    assert.equal(res.status, 200, res.text.slice(0, 200));
    assert.match(res.headers['content-type'], /^text\/csv; charset=utf-8$/);
    const rows = parseCsv(res.text);
    const base = ['station', 'region_id', 'district', 'abroad', 'reported', ...LINES];
    const parties = entriesDb.get(b.list.id).map((x) => x.short_name);
    assert.deepEqual(rows[0], [...base, ...parties], 'list.csv: the header');
    assert.deepEqual(rows.slice(1).map((r) => Number(r[0])), stations.map((s) => s.number), 'list.csv: one row per station');
    for (const r of rows.slice(1)) {
      const s = stations.find((x) => x.number === Number(r[0]));
      const f = finals.get(s.number);
      const what = `list.csv: station ${s.number}`;
      assert.deepEqual(r.slice(1, 5), [s.abroad ? '' : String(s.region), s.abroad ? '' : String(s.district),
        s.abroad ? '1' : '0', f ? '1' : '0'], what);
      if (f) assert.deepEqual(r.slice(5).map(Number), [...LINES.map((l) => f[0][l]), ...f[0].votes], what);
      else assert.ok(r.slice(5).every((x) => x === ''), `${what}: no figures`);
    }

    const dres = await fresh(`${R}/export/districts.csv`, (r) => r.status === 200 && reportedRows(r.text) === homeFinals,
      { timeoutMs: 20000 });
    assert.equal(dres.status, 200);
    const drows = parseCsv(dres.text);
    const widest = Math.max(...Object.values(b.districts).map((d) => d.entries));
    assert.deepEqual(drows[0], [...base, ...Array.from({ length: widest }, (_, i) => `entry_${i + 1}`)], 'districts.csv: the header');
    const home = stations.filter((s) => !s.abroad);
    assert.deepEqual(drows.slice(1).map((r) => Number(r[0])), home.map((s) => s.number), 'districts.csv: one row per station at home');
    for (const r of drows.slice(1)) {
      const f = finals.get(Number(r[0]));
      if (f) assert.deepEqual(r.slice(5, 13 + f[1].votes.length).map(Number), [...LINES.map((l) => f[1][l]), ...f[1].votes]);
    }

    const j = await getNight('/export/stations.json');
    assertKeys(j, ['election', 'contests', 'stations'], 'stations.json');
    checkElection(j.election, 'stations.json');
    assert.equal(j.contests.length, 37);
    const lc = j.contests.find((c) => c.kind === 'list');
    assert.deepEqual(lc.list_lengths, b.list.shape);
    assert.deepEqual(lc.entries.map((x) => x.party_id), entriesDb.get(b.list.id).map((x) => x.party_id));
    assert.deepEqual(j.stations.map((s) => s.number), stations.map((s) => s.number));
    for (const s of j.stations) {
      const f = finals.get(s.number);
      assert.equal(s.results.length, f ? f.length : 0, `stations.json: ${s.number}`);
      s.results.forEach((r, i) => {
        assert.deepEqual(r.votes, f[i].votes);
        assert.deepEqual(r.preferences, f[i].preferences ? f[i].preferences.flat() : []);
        for (const l of LINES) assert.equal(r[l], f[i][l]);
      });
    }
  });

  // RFC 4180: "Each line should contain the same number of fields throughout the file."
  test('export CSVs: every row has as many fields as the header', async () => {
    const bad = [];
    for (const kind of ['list', 'districts']) {
      const rows = parseCsv((await request(`${R}/export/${kind}.csv`)).text);
      bad.push(...rows.slice(1).filter((r) => r.length !== rows[0].length)
        .map((r) => `${kind}.csv ${r[0]}: ${r.length} fields of ${rows[0].length}`));
    }
    assert.deepEqual(bad, []);
  });

  test('seats: the input built from the sums, and the allocation the seat tool makes of it', async () => {
    const ires = await fresh(`${R}/seats/input`, (r) => r.status === 200 && r.json?.stations?.reported === finals.size);
    assert.equal(ires.status, 200, ires.text.slice(0, 300));
    const input = ires.json;
    assertKeys(input, ['completed', 'stations', 'list', 'districts'], 'seats/input');
    assert.equal(input.completed, false);
    const country = expected('list', 0);
    assert.deepEqual(input.stations, { total: stations.length, reported: finals.size });
    const L = input.list;
    assert.equal(L.seats, 54);
    assert.equal(L.cap, 27);
    assert.equal(L.participants, country.in_boxes, 'participants = ballots in the boxes');
    assert.equal(L.against_all, country.against_all);
    assert.deepEqual(L.regions.map((r) => [r.id, r.participants]),
      [1, 2, 3, 4, 5, 6, 7, 8, 9].map((r) => [r, expected('list', r).in_boxes]));
    const ents = entriesDb.get(b.list.id);
    assert.deepEqual(L.parties.map((p) => p.id), ents.map((x) => x.party_id));
    const prefs = country.preferences;
    let off = 0;
    L.parties.forEach((p, i) => {
      assert.equal(p.votes, country.votes[i], `party ${p.id}: votes`);
      assert.deepEqual(p.region_votes, [1, 2, 3, 4, 5, 6, 7, 8, 9].map((r) => expected('list', r).votes[i]), `party ${p.id}: by region`);
      assert.equal(p.candidates.length, b.list.shape[i], `party ${p.id}: its list`);
      p.candidates.forEach((c) => {
        assert.equal(c.preference_votes, prefs[off + c.position - 1], `party ${p.id} position ${c.position}: preference votes`);
      });
      off += b.list.shape[i];
    });
    assert.equal(input.districts.length, 36);
    for (const d of input.districts) {
      const exp = expected('district', 100 + d.district);
      assert.equal(d.against_all, exp.against_all, `district ${d.district}: against all`);
      const db = entriesDb.get(b.districts[d.district].id).filter((x) => !x.withdrawn);
      assert.deepEqual(d.candidates.map((c) => [c.id, c.votes]),
        db.map((x) => [x.candidate_id, exp.votes[x.position - 1]]), `district ${d.district}: candidates still standing`);
      assert.deepEqual(d.stations, { total: exp.total, reported: exp.n });
    }

    const sres = await request(`${R}/seats`);
    assert.equal(sres.status, 200, sres.text.slice(0, 300));
    const seats = sres.json;
    assertKeys(seats, ['election_id', 'stations', 'preliminary', 'list', 'districts'], 'seats');
    assert.equal(seats.election_id, E);
    assert.equal(seats.preliminary, true, 'the ASU count is preliminary');
    assert.deepEqual(seats.stations, { total: stations.length, reported: finals.size });
    assert.ok(!('error' in seats.list), JSON.stringify(seats.list).slice(0, 300));
    assert.notEqual(seats.list.outcome, 'awaiting_results');
    // The same allocation as bin/shailoo-seats makes of the published input.
    const tool = JSON.parse(execFileSync(new URL('../../bin/shailoo-seats', import.meta.url).pathname,
      { input: JSON.stringify(L), encoding: 'utf8' }));
    assert.deepEqual(seats.list, tool, 'the API allocates as the tool does');
    assert.equal(seats.districts.length, 36);
    for (const d of seats.districts) {
      const exp = expected('district', 100 + d.district);
      if (exp.n === 0) {
        assert.equal(d.outcome, 'awaiting_results', `district ${d.district}: no final yet`);
        continue;
      }
      const inp = input.districts.find((x) => x.district === d.district);
      const { stations: _, ...tin } = inp;
      const t = JSON.parse(execFileSync(new URL('../../bin/shailoo-seats', import.meta.url).pathname,
        { input: JSON.stringify(tin), encoding: 'utf8' }));
      assert.deepEqual({ ...d, stations: undefined }, { ...t, stations: undefined }, `district ${d.district}: as the tool`);
    }
  });

  test('refused questions: 400 for bad path and query parameters, 404 for an unknown election or station', async () => {
    const bad = [
      ['/regions/11', 'region'], ['/regions/0', 'region'], ['/regions/x', 'region'], ['/regions/1.0', 'region'],
      ['/districts/0', 'district'], ['/districts/37', 'district'], ['/districts/-1', 'district'],
      ['/stations/99', 'station'], ['/stations/1000', 'station'], ['/stations/11000', 'station'], ['/stations/abc', 'station'],
      ['/log?limit=0', 'limit'], ['/log?limit=1001', 'limit'], ['/log?after=-1', 'after'], ['/log?after=x', 'after'],
    ];
    for (const [path, field] of bad) assertError(await request(`${R}${path}`), 400, 'invalid_parameter', field);
    assertError(await request(`${R}/log?limit=10&limit=20`), 400, 'repeated_parameter', 'limit');
    for (const path of ['/summary?x=1', '/regions?page=2', '/regions/1?x=1', '/districts/1?x=1', '/stations/1001?x=1',
      '/turnout?area=0', '/log?page=1', '/seats?x=1', '/seats/input?x=1', '/export/list.csv?x=1', '/export/stations.json?x=1']) {
      assertError(await request(`${R}${path}`), 400, 'unknown_parameter');
    }
    for (const id of ['abc', '0', '-1', '99999999999', '1.5']) {
      assertError(await request(`/api/v1/results/elections/${id}/summary`), 400, 'invalid_parameter', 'id');
    }
    const gone = `/api/v1/results/elections/${MISSING}`;
    for (const [path, code] of [['/summary', 'election_not_found'], ['/regions', 'election_not_found'],
      ['/turnout', 'election_not_found'], ['/log', 'election_not_found'], ['/seats', 'election_not_found'],
      ['/seats/input', 'election_not_found'], ['/export/list.csv', 'election_not_found'],
      ['/export/districts.csv', 'election_not_found'], ['/export/stations.json', 'election_not_found'],
      ['/regions/1', 'not_found'], ['/districts/1', 'not_found'], ['/stations/1001', 'not_found']]) {
      assertError(await request(`${gone}${path}`), 404, code);
    }
    assertError(await request(`${R}/stations/1099`), 404, 'not_found');
    assertError(await request(`${R}/nothing`), 404, 'not_found');
    const post = await request(`${R}/summary`, { method: 'POST', body: '' });
    assert.equal(post.status, 405);
  });
});
