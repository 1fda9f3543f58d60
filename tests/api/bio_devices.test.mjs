// The biometric identification devices (issue 8): the CEC registers each
// commission's devices, lists and revokes them; a TEC administrator lists its
// own commission's.  An identification names a working device of the
// operator's own commission, else 422 and nothing is written; the schema
// refuses such rows too.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertError, assertKeys, psql, psqlInt } from './lib.mjs';
import {
  signIn, pickVoters, cleanupVoters, openElection, dropElection, randomDevice, DEVICES, STAFF,
} from './cabinet_lib.mjs';

const [V] = pickVoters('bio-devices', 1);
let election; let cec; let op101; let tec101; let voter; let app;
const mine = [];   // devices this file registers, removed at the end

before(async () => {
  cleanupVoters([V]);
  election = openElection(62);
  [cec, op101, tec101, voter] = await Promise.all([STAFF.cec, STAFF.operator101, STAFF.tec101, V].map(signIn));
  const res = await voter.post('/api/v1/cabinet/applications', { election_id: election.id, kind: 'correction' });
  assert.equal(res.status, 201, res.text);
  app = res.json.application;
});
after(() => {
  cleanupVoters([V]);
  if (election.test) dropElection(election.id);
  if (mine.length) psql(`DELETE FROM biometric_devices WHERE device_id = ANY (string_to_array(:'d', ','))`, { d: mine.join(',') });
});

const register = (device, commission) => cec.post('/api/v1/biometrics/devices', { device_id: device, commission_id: commission });
const identify = (device) => op101.post('/api/v1/biometrics/identifications', { application_id: app.id, device_id: device, matched: false });
const written = () => psqlInt(`SELECT count(*) FROM identifications WHERE application_id = :'id'`, { id: app.id });

describe('registering, listing and revoking devices', () => {
  const device = randomDevice();

  test('the CEC registers a device for commission 101: 201 with the device', async () => {
    const res = await register(device, 101);
    assert.equal(res.status, 201, res.text);
    mine.push(device);
    assertKeys(res.json.device, ['device_id', 'commission', 'registered_at', 'revoked_at'], 'device');
    assert.equal(res.json.device.device_id, device);
    assert.equal(res.json.device.commission.id, 101);
    assert.equal(res.json.device.revoked_at, null);
    assert.equal(psql(`SELECT registered_by FROM biometric_devices WHERE device_id = :'d'`, { d: device })[0][0], STAFF.cec);
  });

  test('the same device again: 409; bad bodies: 400; no such commission: 422', async () => {
    assertError(await register(device, 201), 409, 'device_conflict', 'device_id');
    assertError(await register('123', 101), 400, 'invalid_field', 'device_id');
    assertError(await register(randomDevice(), '101'), 400, 'invalid_field', 'commission_id');
    assertError(await cec.post('/api/v1/biometrics/devices', { device_id: randomDevice(), commission_id: 101, x: 1 }), 400, 'unknown_field', 'x');
    assertError(await register(randomDevice(), 2000000000), 422, 'commission_not_found', 'commission_id');
  });

  test('listed with a commission filter; a TEC administrator lists its own commission only', async () => {
    const all = await cec.get('/api/v1/biometrics/devices?commission=101');
    assert.equal(all.status, 200, all.text);
    const ids = all.json.items.map((d) => d.device_id);
    assert.ok(ids.includes(device) && ids.includes(DEVICES[101][0]));
    assert.ok(all.json.items.every((d) => d.commission.id === 101));
    const own = await tec101.get('/api/v1/biometrics/devices');
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.json.items.map((d) => d.device_id), ids);
    assertError(await tec101.get('/api/v1/biometrics/devices?commission=201'), 403, 'outside_scope', 'commission');
    assertError(await op101.get('/api/v1/biometrics/devices'), 403, 'forbidden');
    assertError(await cec.get('/api/v1/biometrics/devices?commission=x'), 400, 'invalid_parameter', 'commission');
  });

  test('revoked: 200 with revoked_at; again: 409; an unknown device: 404', async () => {
    const res = await cec.post(`/api/v1/biometrics/devices/${device}/revoke`, {});
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.device.revoked_at);
    assertError(await cec.post(`/api/v1/biometrics/devices/${device}/revoke`, {}), 409, 'already_revoked');
    assertError(await cec.post(`/api/v1/biometrics/devices/${randomDevice()}/revoke`, {}), 404, 'device_not_found');
    assertError(await tec101.post(`/api/v1/biometrics/devices/${DEVICES[101][0]}/revoke`, {}), 403, 'forbidden');
  });
});

describe('an identification names a working device of its own commission', () => {
  test('an unknown device: 422 unknown_device, nothing written', async () => {
    assertError(await identify(randomDevice()), 422, 'unknown_device', 'device_id');
    assert.equal(written(), 0);
  });

  test("another commission's device: 422 device_of_another_commission, nothing written", async () => {
    assertError(await identify(DEVICES[201][0]), 422, 'device_of_another_commission', 'device_id');
    assert.equal(written(), 0);
  });

  test('a revoked device: 422 device_revoked, nothing written', async () => {
    const device = randomDevice();
    assert.equal((await register(device, 101)).status, 201);
    mine.push(device);
    assert.equal((await cec.post(`/api/v1/biometrics/devices/${device}/revoke`, {})).status, 200);
    assertError(await identify(device), 422, 'device_revoked', 'device_id');
    assert.equal(written(), 0);
    assert.equal(psql(`SELECT status FROM applications WHERE id = :'id'`, { id: app.id })[0][0], 'awaiting_identification');
  });

  test('a working device of the commission: 201', async () => {
    const res = await identify(DEVICES[101][1]);
    assert.equal(res.status, 201, res.text);
    assert.equal(written(), 1);
  });

  test('the schema refuses the same rows even without the API', () => {
    const device = mine[mine.length - 1];   // revoked above
    for (const [d, c] of [[randomDevice(), 101], [DEVICES[201][0], 101], [device, 101]]) {
      assert.throws(() => psql(`INSERT INTO identifications (application_id, device_id, at, matched, operator_pin, commission_id)
        VALUES (:'a', :'d', now(), true, '10803198500022', :'c')`, { a: app.id, d, c }), /violat|not a working device/, d);
    }
    assert.equal(written(), 1);
  });
});
