// The document store (cgi/api/documents.c, cgi/core/files.c, nginx's upload
// and /.files/ locations): uploads identified by content, refusals as JSON,
// public files served by nginx, private ones only to those the owner allows,
// content stored once, replacements as new versions.  The files are made here.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import http from 'node:http';
import { request, psql, psqlValue, assertError, assertSecurityHeaders, VAR, HOST, PORT, dropElection,
  TEST_ELECTION_MIN } from './lib.mjs';
import { signIn, pickVoters, cleanupVoters, STAFF } from './cabinet_lib.mjs';
import { makePdf, makePng, makeJpeg, nonce } from './files_lib.mjs';

const DOCS = '/api/v1/documents';
const sha256 = (b) => crypto.createHash('sha256').update(b).digest('hex');

// ---------------------------------------------------------------- test files

let tec101, tec201, cec, op101, op201, applicant, other;
// A station's scans are its count's in an election (station_counts): a test election's.
const E = TEST_ELECTION_MIN + 870;
let count101, count201, noCount, appId;

const MINE = pickVoters('documents-store', 2, { commission: 101 });

// POST the bytes as the file of an upload; the name and type a client might claim are ignored.
const upload = (who, path, bytes, { type = 'application/octet-stream', headers = {}, csrf = true } = {}) =>
  who.post(path, bytes, { type, headers, csrf });
// GET of a file: { status, headers, body (a Buffer) }.
const getBytes = (path, headers = {}) => new Promise((resolve, reject) => {
  http.get({ host: HOST, port: PORT, path, headers }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, raw: res.rawHeaders,
      body: Buffer.concat(chunks) }));
    res.on('error', reject);
  }).on('error', reject);
});
// Each of these headers sent exactly once (the application's and nginx's must not both be there).
function assertOnce(res, names) {
  for (const n of names) {
    const count = res.raw.filter((h, i) => i % 2 === 0 && h.toLowerCase() === n).length;
    assert.equal(count, 1, `${n} sent ${count} times`);
  }
}
const fileOf = (sha) => `${VAR}/files/${sha.slice(0, 2)}/${sha.slice(2, 4)}/${sha}`;

before(async () => {
  dropElection(E);
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (:'e'::integer, current_date, 'Документы', 'Документтер', 'parliamentary', 'scheduled');
        INSERT INTO contests (id, election_id, kind, seats) VALUES (:'e'::integer * 100, :'e'::integer, 'list', 54)`, { e: E });
  const countOf = (c) => Number(psqlValue(`SELECT k.id FROM station_counts k JOIN stations s ON s.number = k.station_number
     WHERE k.election_id = :'e'::integer AND s.commission_id = :'c'::integer ORDER BY s.number LIMIT 1`, { e: E, c }));
  count101 = countOf(101);
  count201 = countOf(201);
  noCount = Number(psqlValue(`SELECT coalesce(max(id), 0) + 1000000 FROM station_counts`));
  const [A] = MINE;
  const station = psqlValue(`SELECT station_number FROM voters WHERE pin = :'p'`, { p: A });
  appId = Number(psqlValue(`INSERT INTO applications (pin, election_id, kind, station_from, commission_id, registry_status)
     VALUES (:'p', 202701, 'correction', :'s'::integer, 101, 'unavailable') RETURNING id`, { p: A, s: station }));
  [tec101, tec201, cec, op101, op201, applicant, other] = await Promise.all([
    signIn(STAFF.tec101), signIn(STAFF.tec201), signIn(STAFF.cec), signIn(STAFF.operator101),
    signIn(STAFF.operator201), signIn(MINE[0]), signIn(MINE[1])]);
});

after(() => {
  psql(`DELETE FROM documents WHERE owner_type = 'applications' AND owner_id = :'id'::bigint`, { id: appId });
  dropElection(E);
  cleanupVoters(MINE);
});

// ---------------------------------------------------------------- uploads

describe('uploads are identified by their content', () => {
  test('a PDF: 201, its pages counted, stored under its SHA-256', async () => {
    const pdf = makePdf(3);
    const res = await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, pdf,
      { type: 'application/pdf' });
    assert.equal(res.status, 201, res.text);
    const d = res.json.document;
    assert.equal(res.headers.location, `${DOCS}/${d.id}`);
    assert.deepEqual(d.owner, { type: 'counts', id: count101 });
    assert.equal(d.kind, 'asu_final_report');
    assert.equal(d.visibility, 'public');
    assert.equal(d.content_type, 'application/pdf');
    assert.equal(d.size, pdf.length);
    assert.equal(d.pages, 3);
    assert.equal(d.sha256, sha256(pdf));
    assert.equal(d.version, 1);
    assert.equal(d.replaces, null);
    assert.equal(d.file, `${DOCS}/${d.id}/file`);
    assert.deepEqual(fs.readFileSync(fileOf(d.sha256)), pdf);
    const row = psql(`SELECT owner_type, owner_id, kind, content_type, size, pages, uploaded_by, visibility
                        FROM documents WHERE id = :'id'`, { id: d.id })[0];
    assert.deepEqual(row, ['counts', String(count101), 'asu_final_report', 'application/pdf',
      String(pdf.length), '3', STAFF.tec101, 'public']);
  });

  test('a JPEG and a PNG (the CEC may upload to any station)', async () => {
    const jpeg = makeJpeg();
    let res = await upload(cec, `${DOCS}/counts/${count201}/asu_initial_report`, jpeg, { type: 'image/png' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.document.content_type, 'image/jpeg');
    assert.equal(res.json.document.pages, null);
    const png = makePng();
    res = await upload(tec101, `${DOCS}/counts/${count101}/manual_count_protocol`, png);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.document.content_type, 'image/png');
    assert.equal(res.json.document.sha256, sha256(png));
  });

  test('a PNG named .pdf and sent as application/pdf is stored as a PNG, or refused by a PDF-only kind', async () => {
    const png = makePng();
    const claims = { type: 'application/pdf', headers: { 'Content-Disposition': 'attachment; filename="scan.pdf"' } };
    let res = await upload(tec101, `${DOCS}/counts/${count101}/manual_count_protocol`, png, claims);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.document.content_type, 'image/png');
    const got = await request(`${res.json.document.file}`);
    assert.equal(got.headers['content-type'], 'image/png');
    assert.match(got.headers['content-disposition'], /\.png"$/);
    res = await upload(tec101, `${DOCS}/counts/${count101}/identification_final_report`, makePng(), claims);
    assertError(res, 415, 'type_not_allowed');
    assert.match(res.json.error.message, /image\/png/);
  });

  test('an HTML file named .pdf is refused, whatever it claims', async () => {
    const html = Buffer.from('<!DOCTYPE html>\n<html><head><title>x</title></head><body>%PDF-1.4 <script>alert(1)</script></body></html>\n');
    const res = await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, html,
      { type: 'application/pdf', headers: { 'Content-Disposition': 'attachment; filename="report.pdf"' } });
    assertError(res, 415, 'unsupported_type');
    assert.match(res.json.error.message, /text\/html/);
    // Nor plain text that merely starts like a PDF's name.
    assertError(await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, Buffer.from('PDF-1.4 hello\n')),
      415, 'unsupported_type');
  });
});

describe('refusals are JSON 4xx', () => {
  test('an empty file: 400', async () => {
    assertError(await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, Buffer.alloc(0)), 400, 'empty_file');
  });

  test("too large for the kind: the application's 413; too large for any kind: nginx's 413, also JSON", async () => {
    // A supporting document is at most 5 MB.
    const big = Buffer.concat([makePdf(1), Buffer.alloc(5 * 1024 * 1024)]);
    assertError(await upload(applicant, `${DOCS}/applications/${appId}/supporting_document`, big), 413, 'file_too_large');
    // Above nginx's limit (20 MB, the largest kind's).
    const huge = Buffer.concat([makePdf(1), Buffer.alloc(20 * 1024 * 1024 + 1)]);
    const res = await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, huge);
    assertError(res, 413, 'body_too_large');
    assertSecurityHeaders(res, 'nginx 413');
  });

  test('a kind the owner does not take, an unknown owner, a station that does not exist: 404', async () => {
    assertError(await upload(tec101, `${DOCS}/counts/${count101}/supporting_document`, makePdf(1)), 404, 'kind_not_accepted', 'kind');
    assertError(await upload(tec101, `${DOCS}/counts/${count101}/no_such_kind`, makePdf(1)), 404, 'kind_not_accepted', 'kind');
    assertError(await upload(tec101, `${DOCS}/voters/${count101}/asu_final_report`, makePdf(1)), 404, 'unknown_owner', 'owner');
    assertError(await upload(cec, `${DOCS}/counts/${noCount}/asu_final_report`, makePdf(1)), 404, 'owner_not_found');
    assertError(await upload(cec, `${DOCS}/counts/0/asu_final_report`, makePdf(1)), 400, 'invalid_parameter', 'owner_id');
    assertError(await request(`${DOCS}/counts/${noCount}`), 404, 'owner_not_found');
  });

  test("another commission's station, another person's application, a role that may not: 403/404", async () => {
    assertError(await upload(tec201, `${DOCS}/counts/${count101}/asu_final_report`, makePdf(1)), 403, 'outside_scope');
    assertError(await upload(op101, `${DOCS}/counts/${count101}/asu_final_report`, makePdf(1)), 403, 'outside_scope');
    assertError(await upload(applicant, `${DOCS}/counts/${count101}/asu_final_report`, makePdf(1)), 403, 'outside_scope');
    // Someone else's application is as absent as a nonexistent one.
    assertError(await upload(other, `${DOCS}/applications/${appId}/supporting_document`, makePdf(1)), 404, 'owner_not_found');
    assertError(await upload(tec101, `${DOCS}/applications/${appId}/supporting_document`, makePdf(1)), 404, 'owner_not_found');
    assertError(await upload(applicant, `${DOCS}/applications/999999999/supporting_document`, makePdf(1)), 404, 'owner_not_found');
  });

  test('signing in and the CSRF token as for every write', async () => {
    assertError(await request(`${DOCS}/counts/${count101}/asu_final_report`, { method: 'POST', body: makePdf(1) }),
      401, 'unauthenticated');
    assertError(await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, makePdf(1), { csrf: false }),
      403, 'csrf_token_missing');
  });
});

// ---------------------------------------------------------------- reading

describe('reading', () => {
  test('a public document: its record and list to anyone, its file from nginx with type, ETag, caching, name', async () => {
    const pdf = makePdf(2);
    const up = await upload(tec101, `${DOCS}/counts/${count101}/identification_final_report`, pdf);
    assert.equal(up.status, 201, up.text);
    const d = up.json.document;
    const meta = await request(`${DOCS}/${d.id}`);
    assert.equal(meta.status, 200);
    assert.deepEqual(meta.json.document, d);
    const list = await request(`${DOCS}/counts/${count101}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.owner, { type: 'counts', id: count101 });
    assert.ok(list.json.items.some((x) => x.id === d.id));

    const res = await getBytes(d.file);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, pdf);
    assert.equal(res.headers['content-type'], 'application/pdf');
    assert.equal(res.headers['content-length'], String(pdf.length));
    assert.equal(res.headers.etag, `"${d.sha256}"`);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.headers['content-disposition'],
      `inline; filename="identification_final_report-counts-${count101}-v1.pdf"`);
    assert.match(res.headers['content-disposition'], /^[\x20-\x7e]+$/);
    assertSecurityHeaders(res, 'a public file');
    assertOnce(res, ['content-type', 'cache-control', 'etag', 'content-disposition', 'x-content-type-options']);
    // Revalidation: 304 by the hash.
    const again = await request(d.file, { headers: { 'If-None-Match': `"${d.sha256}"` } });
    assert.equal(again.status, 304);
    assert.equal(again.headers.etag, `"${d.sha256}"`);
    // The store itself is not reachable from outside.
    const direct = await request(`/.files/${d.sha256.slice(0, 2)}/${d.sha256.slice(2, 4)}/${d.sha256}/x.pdf`);
    assert.equal(direct.status, 404);
    assertError(await request(`${DOCS}/999999999`), 404, 'document_not_found');
    assertError(await request(`${DOCS}/999999999/file`), 404, 'document_not_found');
  });

  test("a private document: served to the applicant and the commission's staff, refused to others", async () => {
    const jpeg = makeJpeg();
    const up = await upload(applicant, `${DOCS}/applications/${appId}/supporting_document`, jpeg);
    assert.equal(up.status, 201, up.text);
    const d = up.json.document;
    assert.equal(d.visibility, 'private');
    assert.equal(d.content_type, 'image/jpeg');

    for (const who of [applicant, op101, tec101]) {
      const res = await getBytes(d.file, { Cookie: who.cookie });
      assert.equal(res.status, 200, `${who.pin}: ${res.body.toString().slice(0, 200)}`);
      assert.deepEqual(res.body, jpeg);
      assert.equal(res.headers['content-type'], 'image/jpeg');
      assert.equal(res.headers['cache-control'], 'private, no-store');
      assertOnce(res, ['content-type', 'cache-control', 'etag', 'content-disposition']);
      assert.equal(res.headers.etag, `"${d.sha256}"`);
      assert.equal((await who.get(`${DOCS}/${d.id}`)).json.document.id, d.id);
      const list = await who.get(`${DOCS}/applications/${appId}`);
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.items.map((x) => x.id), [d.id]);
    }
    // Nobody signed in: sign in first.  Other people, other commissions' staff: no such document.
    assertError(await request(d.file), 401, 'unauthenticated');
    assertError(await request(`${DOCS}/${d.id}`), 401, 'unauthenticated');
    assertError(await request(`${DOCS}/applications/${appId}`), 401, 'unauthenticated');
    for (const who of [other, op201, tec201]) {
      assertError(await who.get(d.file), 404, 'document_not_found');
      assertError(await who.get(`${DOCS}/${d.id}`), 404, 'document_not_found');
      assertError(await who.get(`${DOCS}/applications/${appId}`), 404, 'owner_not_found');
    }
    // The internal location is not reachable from outside either.
    assert.equal((await request(`/.files/${d.sha256.slice(0, 2)}/${d.sha256.slice(2, 4)}/${d.sha256}/x.jpg`)).status, 404);
  });
});

// ---------------------------------------------------------------- stored once, versions

describe('the store', () => {
  test('the same content twice is stored once', async () => {
    const pdf = makePdf(1);
    const a = await upload(tec101, `${DOCS}/counts/${count101}/asu_initial_report`, pdf);
    assert.equal(a.status, 201, a.text);
    const path = fileOf(a.json.document.sha256);
    const st1 = fs.statSync(path);
    const b = await upload(cec, `${DOCS}/counts/${count201}/manual_count_protocol`, pdf);
    assert.equal(b.status, 201, b.text);
    assert.notEqual(b.json.document.id, a.json.document.id);
    assert.equal(b.json.document.sha256, a.json.document.sha256);
    const st2 = fs.statSync(path);
    assert.equal(st2.ino, st1.ino);
    assert.equal(st2.mtimeMs, st1.mtimeMs);
    const dir = fs.readdirSync(path.slice(0, path.lastIndexOf('/')));
    assert.deepEqual(dir.filter((f) => f.startsWith(a.json.document.sha256) || f.includes('.tmp')), [a.json.document.sha256]);
  });

  test('a replacement is a new version; the old one stays, readable', async () => {
    const v1 = makePdf(1), v2 = makePdf(4);
    const a = await upload(tec101, `${DOCS}/counts/${count101}/asu_final_report`, v1);
    assert.equal(a.status, 201, a.text);
    const old = a.json.document;
    assertError(await upload(tec201, `${DOCS}/${old.id}/versions`, v2), 403, 'outside_scope');
    assertError(await upload(tec101, `${DOCS}/${old.id}/versions`, Buffer.from('<html></html>')), 415, 'unsupported_type');
    assertError(await upload(tec101, `${DOCS}/${old.id}/versions`, v2, { csrf: false }), 403, 'csrf_token_missing');
    const b = await upload(tec101, `${DOCS}/${old.id}/versions`, v2);
    assert.equal(b.status, 201, b.text);
    const neu = b.json.document;
    assert.equal(b.headers.location, `${DOCS}/${neu.id}`);
    assert.equal(neu.version, 2);
    assert.equal(neu.replaces, old.id);
    assert.equal(neu.replaced_by, null);
    assert.deepEqual([neu.owner, neu.kind, neu.pages], [old.owner, old.kind, 4]);
    // The old version: its record says what replaced it, its file is still served.
    const was = (await request(`${DOCS}/${old.id}`)).json.document;
    assert.deepEqual(was, { ...old, replaced_by: neu.id });
    assert.deepEqual((await getBytes(old.file)).body, v1);
    assert.deepEqual((await getBytes(neu.file)).body, v2);
    assert.match((await getBytes(neu.file)).headers['content-disposition'], /-v2\.pdf"$/);
    // The owner's list shows the latest version only.
    const ids = (await request(`${DOCS}/counts/${count101}`)).json.items.map((x) => x.id);
    assert.ok(ids.includes(neu.id) && !ids.includes(old.id));
    // A replaced version cannot be replaced again (no fork); the latest can.
    assertError(await upload(tec101, `${DOCS}/${old.id}/versions`, makePdf(1)), 409, 'not_current');
    const c = await upload(cec, `${DOCS}/${neu.id}/versions`, makePng());
    assert.equal(c.status, 201, c.text);
    assert.deepEqual([c.json.document.version, c.json.document.replaces, c.json.document.content_type], [3, neu.id, 'image/png']);
  });

  test("a decided application takes no more documents; another person's cannot be replaced", async () => {
    const up = await upload(applicant, `${DOCS}/applications/${appId}/supporting_document`, makePdf(1));
    assert.equal(up.status, 201, up.text);
    assertError(await upload(other, `${DOCS}/${up.json.document.id}/versions`, makePdf(1)), 404, 'document_not_found');
    psql(`UPDATE applications SET status = 'approved' WHERE id = :'id'`, { id: appId });
    assertError(await upload(applicant, `${DOCS}/applications/${appId}/supporting_document`, makePdf(1)), 409, 'owner_closed');
    assertError(await upload(applicant, `${DOCS}/${up.json.document.id}/versions`, makePdf(1)), 409, 'owner_closed');
    // Still readable by the applicant.
    assert.equal((await applicant.get(`${DOCS}/${up.json.document.id}`)).status, 200);
  });
});

describe('nginx', () => {
  test("removes every upload's temporary file when the request ends, accepted or refused", async () => {
    const dir = `${VAR}/nginx/tmp/upload`;
    const left = [];
    const walk = (d) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        if (e.isDirectory()) walk(`${d}/${e.name}`);
        else left.push(`${d}/${e.name}`);
      }
    };
    assert.ok(fs.existsSync(dir), `${dir} exists (nginx's client_body_temp_path of uploads)`);
    walk(dir);
    assert.deepEqual(left, []);
  });
});
