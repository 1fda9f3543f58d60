// ASU devices: the CEC registers each station's device and its ES256 public
// key; the keys are public.  Only a CEC administrator registers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { request, psql, assertError } from './lib.mjs';
import { signIn } from './cabinet_lib.mjs';

const CEC = '21111197000066';
const VOTER = '21505199000011';
const ELECTION = 202701;
const pem = (curve) => crypto.generateKeyPairSync('ec', { namedCurve: curve })
  .publicKey.export({ type: 'spki', format: 'pem' });
const device = (n) => `7${String(n).padStart(19, '0')}`;

function cleanup() {
  psql(`DELETE FROM asu_devices WHERE device_id LIKE '7%'`);
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
    assertError(await cec.post('/api/v1/asu/devices', { ...body, device_id: device(4), station_number: 99999 }),
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
    cleanup();
  }
});
