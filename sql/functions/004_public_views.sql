-- Area 0 of the statistics: the voters registered at stations abroad.
-- Areas, one numbering everywhere (migration 020): 0 the country, 1..9 a
-- region, 10 the voters and stations abroad, 100 + n district n (results).
CREATE OR REPLACE FUNCTION area_json(area smallint) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN area = 10 THEN
        json_build_object('id', 10, 'code', 'abroad', 'name_ru', 'За рубежом', 'name_ky', 'Чет өлкөдө')
    ELSE
        (SELECT json_build_object('id', r.id, 'code', r.code, 'name_ru', r.name_ru, 'name_ky', r.name_ky)
           FROM regions r WHERE r.id = area)
    END
$$;

CREATE OR REPLACE FUNCTION station_json(s stations) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'number', s.number, 'name', s.name, 'address', s.address, 'settlement', s.settlement,
        'abroad', s.abroad, 'country', s.country,
        'region', CASE WHEN s.region_id IS NULL THEN NULL ELSE area_json(s.region_id) END,
        'district', s.district_number,
        'commission', (SELECT json_build_object('id', c.id, 'name_ru', c.name_ru, 'name_ky', c.name_ky)
                         FROM commissions c WHERE c.id = s.commission_id),
        'lat', s.lat, 'lon', s.lon, 'voters', s.voters)
$$;

CREATE OR REPLACE FUNCTION voter_initials(v voters) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT voter_initials(v.last_name, v.first_name, v.patronymic)
$$;

-- Statistics by sex and age group of one area, or of all when area is NULL.
-- Voters who are 17 on the statistics date (18 by election day) count in 18-25.
CREATE OR REPLACE FUNCTION voter_stats_json(area smallint) RETURNS json LANGUAGE sql STABLE AS $$
    WITH v AS (
        SELECT sex, greatest(age_group, 1) AS age_group, voters
          FROM voter_stats WHERE area IS NULL OR region_id = area
    )
    SELECT json_build_object(
        'as_of', (SELECT asof FROM voter_stats_asof),
        'region', CASE WHEN area IS NULL THEN NULL ELSE area_json(area) END,
        'total', (SELECT coalesce(sum(voters), 0) FROM v),
        'by_sex', json_build_object(
            'female', (SELECT coalesce(sum(voters), 0) FROM v WHERE sex = 'F'),
            'male', (SELECT coalesce(sum(voters), 0) FROM v WHERE sex = 'M')),
        'by_age', (SELECT json_agg(json_build_object('group', label, 'female', f, 'male', m,
                                                     'total', f + m) ORDER BY id)
                     FROM (SELECT g.id, g.label,
                                  coalesce(sum(v.voters) FILTER (WHERE v.sex = 'F'), 0) AS f,
                                  coalesce(sum(v.voters) FILTER (WHERE v.sex = 'M'), 0) AS m
                             FROM age_groups g LEFT JOIN v ON v.age_group = g.id
                            GROUP BY g.id, g.label) x),
        'by_region', (SELECT json_agg(json_build_object('id', id, 'code', j->>'code',
                                                        'name_ru', j->>'name_ru', 'name_ky', j->>'name_ky',
                                                        'female', f, 'male', m, 'total', f + m)
                                      ORDER BY id)
                        FROM (SELECT a.id, area_json(a.id) AS j,
                                     coalesce(sum(s.voters) FILTER (WHERE s.sex = 'F'), 0) AS f,
                                     coalesce(sum(s.voters) FILTER (WHERE s.sex = 'M'), 0) AS m
                                FROM (SELECT id FROM regions UNION ALL SELECT 10::smallint) a
                                LEFT JOIN voter_stats s ON s.region_id = a.id
                               GROUP BY a.id) x))
$$;
