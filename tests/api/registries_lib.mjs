// Helpers of the registries' tests (tests/api/registries.test.mjs,
// tests/system/registries_deaths.test.mjs): the Tunduk stand-in's civil
// registry feed and disability registry hooks, the CEC's read-now routes,
// and cleaning up what a test's changes did.
import assert from 'node:assert/strict';
import { request, psql, sleep } from './lib.mjs';
import { TUNDUK, fetchAbs, signIn, STAFF } from './cabinet_lib.mjs';

export { signIn, STAFF };

async function hook(path, body) {
  const r = await fetchAbs(`${TUNDUK}${path}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(r.status, 200, `Tunduk hook ${path}: ${r.status} ${r.text}`);
  return r.json;
}

// A run's own change ids: never those of an earlier run.
const RUN = `T${Date.now().toString(36)}${process.pid}`;
let serial = 0;
export const changeId = (what) => `${RUN}-${what}-${++serial}`;

// Appends a change to the civil registry's feed; its position (the cursor after it).
export const civilChange = async (change) => (await hook('/_test/civil-change', { change })).position;
// Appends several changes at once (no read falls between them); the last one's position.
export const civilChanges = async (changes) => (await hook('/_test/civil-change', { changes })).position;
// Delivers change id again at the feed's end; its new position.
export const redeliver = async (id) => (await hook('/_test/civil-change', { redeliver: id })).position;
// What the disability registry says of pin: a group, or null (not listed).
export const disability = (pin, group) => hook('/_test/disability', { pin, group });

export const death = (pin, what = 'death') => ({
  id: changeId(what), kind: 'death', pin, date: '2026-12-01',
  record: { act_number: `${Math.floor(Math.random() * 1e6)}`, office: 'ЗАГС Ленинского района г. Бишкек',
    registered: '2026-12-02' },
});

// A PUT with the session and the CSRF token.
export function put(client, path, body) {
  const payload = JSON.stringify(body);
  return request(path, {
    method: 'PUT',
    headers: { Cookie: client.cookie, 'X-CSRF-Token': client.csrf, 'Content-Type': 'application/json' },
    body: payload,
  });
}

// POST .../registries/{feed}/read as the CEC's administrator: the answer.
export const readNow = (cec, feed) => cec.post(`/api/v1/registries/${feed}/read`, {});

// The change's row of civil_changes, or null.
export function changeRow(id) {
  const rows = psql(`SELECT kind, pin, coalesce(new_pin, ''), outcome, coalesce(voter_pin, ''), evidence::text
                       FROM civil_changes WHERE id = :'id'`, { id });
  if (rows.length === 0) return null;
  const [kind, pin, newPin, outcome, voter, evidence] = rows[0];
  return { kind, pin, new_pin: newPin || null, outcome, voter_pin: voter || null, evidence: JSON.parse(evidence) };
}

// Waits (polling) until fn() is truthy; its value.
export async function until(fn, what, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

/*
 * Undoes what these changes did: removed voters back on the list (the
 * trigger counts them again), their removals, PIN aliases and the changes.
 */
export function undoChanges(ids) {
  if (ids.length === 0) return;
  psql(`BEGIN;
    UPDATE voters SET status = 'active'
     WHERE pin IN (SELECT pin FROM voter_removals WHERE source_id = ANY (string_to_array(:'ids', ',')));
    DELETE FROM voter_removals WHERE source_id = ANY (string_to_array(:'ids', ','));
    DELETE FROM voter_pins WHERE change_id = ANY (string_to_array(:'ids', ','));
    DELETE FROM civil_changes WHERE id = ANY (string_to_array(:'ids', ','));
    COMMIT;`, { ids: ids.join(',') });
}
