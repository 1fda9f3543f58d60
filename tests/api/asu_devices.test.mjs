// ASU devices: the CEC registers each station's device and its ES256 public
// key; the keys are public.  Only a CEC administrator registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, psql, assertError } from './lib.mjs';
import { signIn } from './cabinet_lib.mjs';

const CEC = '21111197000066';
const VOTER = '21505199000011';
// An election of this test's own: the demo's 202701 has a device at every station.
const ELECTION = 990101;
const pem = (curve) => crypto.generateKeyPairSync('ec', { namedCurve: curve })
  .publicKey.export({ type: 'spki', format: 'pem' });
const device = (n) => `7${String(n).padStart(19, '0')}`;

function teardown() {
  psql(`DELETE FROM asu_incidents WHERE election_id = ${ELECTION};
        DELETE FROM asu_devices WHERE device_id LIKE '7%';
        DELETE FROM elections WHERE id = ${ELECTION}`);
}
function cleanup() {
  teardown();
  psql(`INSERT INTO elections (id, date, name_ru, name_ky, type, status)
        VALUES (${ELECTION}, '2027-06-01', 'Тест устройств', 'Түзмөктөр сыноосу', 'local', 'scheduled')`);
}

test('the CEC registers a device and its key; anyone reads it; conflicts and bad keys refused', async () => {
  cleanup();
  try {
    const cec = await signIn(CEC);
    const key = pem('P-256');
    const body = { device_id: device(1), election_id: ELECTION, station_number: 1001, public_key: key };
    const res = await cec.post('/api/v1/asu/devices', body);
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.device.device_id, device(1));
    assert.equal(res.json.device.station_number, 1001);
    assert.equal(res.json.device.public_key, key);

    const list = await request(`/api/v1/asu/devices?election=${ELECTION}&station=1001`);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((d) => d.device_id), [device(1)]);
    assert.equal(list.json.items[0].public_key, key);

    // The same device again, or a second working device for the station: 409.
    assertError(await cec.post('/api/v1/asu/devices', body), 409, 'device_conflict');
    assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: device(2), public_key: pem('P-256') }),
      409, 'device_conflict');

    // Keys that are not EC P-256 public keys.
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' });
    const priv = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    for (const bad of [rsa, pem('P-384'), priv, 'not a key', `-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n`]) {
      assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: device(3), station_number: 1002, public_key: bad }),
        400, 'invalid_key');
    }
    assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: '123', station_number: 1002 }), 400, 'invalid_field');
    assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: device(4), station_number: 10999 }),
      422, 'station_not_found');
    assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: device(4), election_id: 1 }),
      422, 'election_not_found');
    const past = Number(psql(`SELECT id FROM elections WHERE status = 'completed' ORDER BY date DESC LIMIT 1`)[0][0]);
    assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: device(4), election_id: past, station_number: 1002 }),
      422, 'election_closed');
    assertError(await cec.post('/api/v1/asu/devices', { ...body, extra: 1 }), 400, 'unknown_field');
    assert.equal(psql(`SELECT count(*) FROM asu_devices WHERE device_id LIKE '7%'`)[0][0], '1', 'nothing else written');

    // Only the CEC's administrators register devices.
    const voter = await signIn(VOTER);
    assertError(await voter.post('/api/v1/asu/devices', { ...body, device_id: device(5), station_number: 1003 }), 403, 'forbidden');
    assertError(await request('/api/v1/asu/devices', {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    }), 401, 'unauthenticated');
    assertError(await request('/api/v1/asu/devices'), 400, 'missing_parameter');
  } finally {
    teardown();
  }
});

test('the CEC revokes a device, sees the incidents its reports caused, and registers a replacement', async () => {
  cleanup();
  try {
    const cec = await signIn(CEC);
    const keys = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const body = { device_id: device(11), election_id: ELECTION, station_number: 1005,
      public_key: keys.publicKey.export({ type: 'spki', format: 'pem' }) };
    assert.equal((await cec.post('/api/v1/asu/devices', body)).status, 201);

    // A report breaking a control relation: refused, and kept for the CEC.
    const b64 = (x) => Buffer.from(x).toString('base64url');
    const payload = { kind: 'turnout', device_id: device(11), election_id: ELECTION, station: 1005, seq: 1,
      time: '2027-06-01T10:00:00+06:00', hour: 10, voters: 100, voted: 101 };
    const si = `${b64(JSON.stringify({ alg: 'ES256', kid: device(11) }))}.${b64(JSON.stringify(payload))}`;
    const jws = `${si}.${b64(crypto.sign('sha256', Buffer.from(si), { key: keys.privateKey, dsaEncoding: 'ieee-p1363' }))}`;
    const post = () => request('/api/v1/asu/reports', { method: 'POST', headers: { 'Content-Type': 'application/jose' }, body: jws });
    assertError(await post(), 422, 'control_failed', 'voted');
    const inc = await cec.get(`/api/v1/asu/incidents?election=${ELECTION}`);
    assert.equal(inc.status, 200, inc.text);
    assert.equal(inc.json.items.length, 1);
    assert.equal(inc.json.items[0].kind, 'control_failed');
    assert.equal(inc.json.items[0].code, 'voted_above_voters');
    assert.equal(inc.json.items[0].station_number, 1005);
    assert.equal(inc.json.items[0].jws, jws);
    assert.equal(inc.json.items[0].sha256, crypto.createHash('sha256').update(jws).digest('hex'));
    assert.equal(inc.json.next_after, null);
    // The same bad report again is the same incident.
    assertError(await post(), 422, 'control_failed');
    assert.equal((await cec.get(`/api/v1/asu/incidents?election=${ELECTION}`)).json.items.length, 1);
    assert.equal((await cec.get(`/api/v1/asu/incidents?election=${ELECTION}&after=${inc.json.items[0].id}`)).json.items.length, 0);
    // Incidents are the CEC's: not public, not a voter's.
    assertError(await request(`/api/v1/asu/incidents?election=${ELECTION}`), 401, 'unauthenticated');
    assertError(await (await signIn(VOTER)).get(`/api/v1/asu/incidents?election=${ELECTION}`), 403, 'forbidden');
    assertError(await cec.get('/api/v1/asu/incidents'), 400, 'missing_parameter');

    // Revoked: its reports are refused as from an unknown device; the station takes a new one.
    const rev = await cec.post(`/api/v1/asu/devices/${device(11)}/revoke`, {});
    assert.equal(rev.status, 200, rev.text);
    assert.ok(rev.json.device.revoked_at);
    assertError(await cec.post(`/api/v1/asu/devices/${device(11)}/revoke`, {}), 409, 'already_revoked');
    assertError(await cec.post(`/api/v1/asu/devices/${device(19)}/revoke`, {}), 404, 'device_not_found');
    assertError(await cec.post('/api/v1/asu/devices/123/revoke', {}), 400, 'invalid_parameter');
    assertError(await post(), 401, 'unknown_device');
    const again = await cec.post('/api/v1/asu/devices', { ...body, device_id: device(12),
      public_key: pem('P-256') });
    assert.equal(again.status, 201, again.text);
    const list = await request(`/api/v1/asu/devices?election=${ELECTION}&station=1005`);
    assert.deepEqual(list.json.items.map((d) => [d.device_id, d.revoked_at !== null]),
      [[device(11), true], [device(12), false]]);
  } finally {
    teardown();
  }
});
