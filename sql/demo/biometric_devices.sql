-- The demo's biometric identification devices: two for each commission that
-- has operators (sql/demo/staff.sql).  Device id: the commission's number in
-- 6 digits, then the device's sequence in 14 (commission 101's first device:
-- 00010100000000000001).  The tests, the pages' examples and the README
-- use these.
INSERT INTO biometric_devices (device_id, commission_id, registered_by)
SELECT lpad(c::text, 6, '0') || lpad(n::text, 14, '0'), c, 'demo'
  FROM (SELECT DISTINCT commission_id FROM staff_roles WHERE role = 'operator') s(c),
       generate_series(1, 2) n
ON CONFLICT DO NOTHING;
