-- Staff of the demo country: citizens' PINs granted a role and a scope.
-- The same people are listed, with names, in tests/fakes/demo-people.json
-- (ESIA's sign-in page and `make demo-people`).
INSERT INTO staff_roles (pin, role, commission_id) VALUES
    ('10803198500022', 'operator', 101),
    ('11503199200088', 'operator', 201),
    ('20101195000044', 'tec_admin', 101),
    ('11212198000077', 'tec_admin', 201),
    ('21111197000066', 'cec_admin', NULL)
ON CONFLICT (pin, role) DO NOTHING;

-- Complaints' reviewers (sql/functions/026_complaints.sql): of territorial
-- commission 101, of district 1's commission (3001), of the CEC (9000).
INSERT INTO staff_roles (pin, role, commission_id) VALUES
    ('11906198300017', 'complaints_reviewer', 101),
    ('20304197900026', 'complaints_reviewer', 3001),
    ('11111197500039', 'complaints_reviewer', 9000)
ON CONFLICT (pin, role) DO NOTHING;
