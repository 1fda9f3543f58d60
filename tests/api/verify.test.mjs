// An observer's verifier (bin/shailoo-verify, cgi/tools/verify.c): after a
// night of our own (signed finals of most stations, a later final, a late
// older one, a replacement device, an identification device, manual
// protocols with a correction) the site's answers agree with its public log
// (exit 0); then copies of the saved answers, each tampered one way, are
// told apart line by line: a figure in a station's answer, an entry taken
// out of a log page, a hash altered, a final missing from a log whose chain
// was rebuilt around the gap.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, request, psql, sleep } from './lib.mjs';
import { signIn } from './cabinet_lib.mjs';
import {
  setupElection, dropElection, ballot, allStations, registerDevice, signAs, postReport, openingPayload,
  turnoutPayload, finalPayload, stationContests, stationTime, logHead, cec, sha256hex, ZERO_HASH,
} from './asu_lib.mjs';

const E = 990880;
const R = `/api/v1/results/elections/${E}`;
const VERIFY = new URL('../../bin/shailoo-verify', import.meta.url).pathname;
const TEC101 = '20101195000044';
const DIRECT = { 'X-Shailoo-Direct': '1' };
const clone = (x) => JSON.parse(JSON.stringify(x));

let stations, b, dir;
const finals = new Map();   // station -> the report ids of its finals, in order sent

function verify(args) {
  const r = spawnSync(VERIFY, args, { encoding: 'utf8', timeout: 120000 });
  return { status: r.status, out: r.stdout ?? '', err: r.stderr ?? '' };
}

// A copy of the saved answers, changed by f(root of the election's answers); the verifier's run on it.
function tampered(name, f) {
  const copy = path.join(dir, name);
  fs.cpSync(path.join(dir, 'saved'), copy, { recursive: true });
  f(path.join(copy, 'api/v1/results/elections', String(E)));
  return verify(['--dir', copy, '--election', String(E)]);
}

// A log page's entries from index k on numbered and chained again, as a forger would; its head too.
function rechain(page, k) {
  let prev = k > 0 ? page.items[k - 1].hash : ZERO_HASH;
  for (let i = k; i < page.items.length; i++) {
    const it = page.items[i];
    it.seq = i + 1;
    it.prev_hash = prev;
    it.hash = sha256hex(`${it.seq}|${it.time}|${it.sha256}|${it.prev_hash}`);
    prev = it.hash;
  }
  page.head = { seq: page.items.length, hash: prev };
}

const readJson = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
const writeJson = (f, x) => fs.writeFileSync(f, JSON.stringify(x));
const logPage = (root) => path.join(root, 'log,after=0,limit=1000.json');

// Published == the application's own bytes (the publisher writes a moment after the change).
async function converged(p, timeoutMs = 30000) {
  const t0 = Date.now();
  for (;;) {
    const pub = await request(p);
    const app = await request(p, { headers: DIRECT });
    if ((pub.status === 200 && pub.text === app.text) || Date.now() - t0 > timeoutMs) return pub;
    await sleep(250);
  }
}

describe('shailoo-verify: the public results against the public log', () => {
  before(async () => {
    setupElection(E);
    b = ballot(E);
    stations = allStations();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shailoo-verify-'));
    const devs = new Map();
    for (let i = 0; i < stations.length; i += 15) {
      const chunk = stations.slice(i, i + 15);
      const ds = await Promise.all(chunk.map((s) => registerDevice(E, s)));
      ds.forEach((d, j) => devs.set(chunk[j].number, d));
    }
    const send = async (d, payload, status = 201) => {
      const r = await postReport(signAs(d, payload));
      assert.equal(r.status, status, r.text.slice(0, 300));
      return r.json;
    };
    const all = (f) => Promise.all(stations.map(f));
    await all((s) => send(devs.get(s.number), openingPayload(devs.get(s.number), 1, s.voters)));
    await all((s) => send(devs.get(s.number), turnoutPayload(devs.get(s.number), 2, 10, s.voters,
      Math.floor(s.voters / 4))));
    // Two stations in three send their final (every station abroad among them).
    const sample = stations.filter((s, i) => i % 3 !== 2 || s.abroad);
    await Promise.all(sample.map(async (s) => {
      const j = await send(devs.get(s.number), finalPayload(devs.get(s.number), 3, stationContests(b, s, s.number * 7)));
      finals.set(s.number, [j.report.id]);
    }));
    // A later final of the same device replaces; a late older one is logged, not applied.
    const later = sample[1];
    const d = devs.get(later.number);
    const newer = await send(d, finalPayload(d, 5, stationContests(b, later, 555)));
    const late = await send(d, finalPayload(d, 4, stationContests(b, later, 444)));
    assert.equal(late.report.applied, false, 'the late final is not applied');
    finals.get(later.number).push(newer.report.id, late.report.id);
    // A broken device is revoked; its replacement's final (its own seq 1) replaces.
    const replaced = sample[2];
    const admin = await cec();
    const rv = await admin.post(`/api/v1/asu/devices/${devs.get(replaced.number).id}/revoke`, '', { type: null });
    assert.equal(rv.status, 200, rv.text);
    const spare = await registerDevice(E, replaced, { replacement: 1 });
    const spared = await send(spare, finalPayload(spare, 1, stationContests(b, replaced, 777)));
    finals.get(replaced.number).push(spared.report.id);
    // An identification device reports the voters it identified.
    const crypto = await import('node:crypto');
    const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const idDev = { id: `8${String(E).padStart(7, '0')}${String(sample[0].number).padStart(12, '0')}`,
      election: E, station: sample[0].number, privateKey: keys.privateKey };
    const reg = await admin.post('/api/v1/asu/devices', { device_id: idDev.id, election_id: E,
      station_number: idDev.station, public_key: keys.publicKey.export({ type: 'spki', format: 'pem' }),
      kind: 'identification' });
    assert.equal(reg.status, 201, reg.text);
    await send(idDev, { kind: 'identification', device_id: idDev.id, election_id: E, station: idDev.station,
      seq: 1, time: stationTime(), stage: 'first', voters: sample[0].voters,
      identified: { face: 10, fingerprint: 2, document: 1 } });
    // The manual count: the TEC of commission 101 enters two stations' protocols, and corrects one.
    const tec = await signIn(TEC101);
    const ours = psql(`SELECT number FROM stations WHERE commission_id = 101 AND NOT abroad ORDER BY number LIMIT 2`)
      .map((r) => stations.find((s) => s.number === Number(r[0])));
    for (const s of ours) {
      const r = await tec.post(`/api/v1/protocols/elections/${E}/stations/${s.number}`,
        { contests: stationContests(b, s, s.number * 7) });
      assert.equal(r.status, 201, r.text);
    }
    const fixed = stationContests(b, ours[0], ours[0].number * 7);
    fixed[0].invalid += 1;
    fixed[0].valid -= 1;
    fixed[0].against_all -= 1;
    if (fixed[0].against_all < 0) { fixed[0].against_all += 1; fixed[0].votes[0] -= 1; }
    const r = await tec.post(`/api/v1/protocols/elections/${E}/stations/${ours[0].number}`,
      { contests: fixed, reason: 'one ballot found invalid at the recount' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 2);
    // The whole night published: the summary names the log's head; the seats follow it.
    const head = logHead(E).seq;
    for (const p of ['summary', 'seats/input', 'seats']) {
      const res = await converged(`${R}/${p}`);
      assert.equal(res.status, 200, `${p}: ${res.text.slice(0, 200)}`);
    }
    const summary = (await converged(`${R}/summary`)).json;
    assert.equal(summary.election.log.seq, head, 'the summary shows the whole night');
  });

  after(() => {
    dropElection(E);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the night checks out: exit 0, and the copy it saved checks out offline', (t) => {
    const saved = path.join(dir, 'saved');
    const r = verify(['--url', BASE, '--election', String(E), '--save', saved]);
    assert.equal(r.status, 0, `${r.out}\n${r.err}`);
    const last = r.out.trim().split('\n').pop();
    assert.match(last, new RegExp(`^shailoo-verify: election ${E}: OK, 0 mismatches; (\\d+) log entries`), r.out);
    assert.equal(Number(last.match(/; (\d+) log entries/)[1]), logHead(E).seq, 'every log entry read');
    assert.match(last, new RegExp(`, ${stations.length} stations,`));
    assert.match(last, / in \d+\.\d\d s$/);
    t.diagnostic(last);
    assert.ok(fs.existsSync(logPage(path.join(saved, 'api/v1/results/elections', String(E)))), 'the log page is kept');
    const again = verify(['--dir', saved, '--election', String(E)]);
    assert.equal(again.status, 0, again.out + again.err);
  });

  test('a figure changed in a station\'s answer: that station and line, exit 1', () => {
    const s = [...finals.keys()].find((n) => n !== stations[0].number);
    let was;
    const r = tampered('figure', (root) => {
      const f = path.join(root, 'stations', `${s}.json`);
      const j = readJson(f);
      const entry = j.contests.find((k) => k.kind === 'list').entries.find((x) => x.ballot_position === 3);
      was = entry.votes;
      entry.votes += 1;
      writeJson(f, j);
    });
    assert.equal(r.status, 1, r.out + r.err);
    assert.ok(r.out.includes(`station ${s} list votes[2]: log says ${was}, site says ${was + 1}\n`), r.out);
    assert.match(r.out, /MISMATCH, 1 mismatch;/);
  });

  test('an entry taken out of a log page: the gap is named', () => {
    let seq;
    const r = tampered('gap', (root) => {
      const page = readJson(logPage(root));
      const k = Math.floor(page.items.length / 2);
      seq = page.items[k].seq;
      page.items.splice(k, 1);
      writeJson(logPage(root), page);
    });
    assert.equal(r.status, 1, r.out + r.err);
    assert.ok(r.out.includes(`log entry ${seq}: missing (the log goes from ${seq - 1} to ${seq + 1})\n`), r.out);
  });

  test('a hash altered: that entry, and the chain broken at the next', () => {
    let seq;
    const r = tampered('hash', (root) => {
      const page = readJson(logPage(root));
      const it = page.items[Math.floor(page.items.length / 3)];
      seq = it.seq;
      it.hash = sha256hex(`${it.hash} altered`);
      writeJson(logPage(root), page);
    });
    assert.equal(r.status, 1, r.out + r.err);
    assert.ok(r.out.includes(`log entry ${seq}: hash does not match its contents`), r.out);
    assert.ok(r.out.includes(`log entry ${seq + 1}: prev_hash does not match entry ${seq}'s hash: the chain is broken\n`), r.out);
  });

  test('a station\'s final missing from a log whose chain was rebuilt: the station is named', () => {
    // A station with a single final: without it, the site still shows one.
    const [station, [report]] = [...finals.entries()].find(([n, ids]) => ids.length === 1 && n !== stations[0].number);
    const r = tampered('missing', (root) => {
      const page = readJson(logPage(root));
      assert.equal(page.next_after, null, 'the test night fits one page');
      const k = page.items.findIndex((it) => it.report_id === report);
      assert.ok(k >= 0, `report ${report} is in the log`);
      page.items.splice(k, 1);
      rechain(page, k);
      writeJson(logPage(root), page);
    });
    assert.equal(r.status, 1, r.out + r.err);
    assert.ok(r.out.includes(`station ${station}: site shows a final (report ${report}), the log has none\n`), r.out);
    assert.ok(!/: missing \(|chain is broken|hash does not match/.test(r.out), 'the rebuilt chain itself holds');
  });

  test('a final\'s figures changed in its JWS, the chain rebuilt: the signature fails', () => {
    let seq, device;
    const r = tampered('forged', (root) => {
      const page = readJson(logPage(root));
      const k = page.items.findIndex((it) => it.kind === 'final' && it.applied);
      const it = page.items[k];
      const [h, p, sig] = it.jws.split('.');
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
      // One vote moved from "against all" to the first party (the signature is what must fail).
      const list = payload.contests[0];
      if (list.against_all > 0) list.against_all -= 1; else list.valid += 1;
      list.votes[0] += 1;
      it.jws = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
      it.sha256 = sha256hex(it.jws);
      [seq, device] = [it.seq, it.device_id];
      rechain(page, k);
      writeJson(logPage(root), page);
    });
    assert.equal(r.status, 1, r.out + r.err);
    assert.ok(r.out.includes(`log entry ${seq}: the signature does not verify with device ${device}'s published key\n`), r.out);
  });

  test('usage errors and an answer that cannot be had: exit 2', () => {
    assert.equal(verify([]).status, 2);
    assert.equal(verify(['--url', BASE]).status, 2);
    assert.equal(verify(['--dir', dir, '--url', BASE, '--election', String(E)]).status, 2);
    assert.equal(verify(['--url', 'http://127.0.0.1:1', '--election', String(E), '--timeout', '2']).status, 2);
    const r = verify(['--dir', path.join(dir, 'nothing'), '--election', String(E)]);
    assert.equal(r.status, 2);
    assert.match(r.err, /cannot read/);
  });
});
