-- Pure helpers on arrays, used by the tables' CHECKs (010) as well as by the
-- functions: applied before the migrations too (scripts/instance.sh), so a
-- fresh database has them when its tables are made.

-- Counts in arrays (votes by ballot position): bigint, so that no sum of
-- stations can overflow; a station's own arrays (integer[]) convert implicitly.
CREATE OR REPLACE FUNCTION int_array_add(a bigint[], b bigint[], sign integer DEFAULT 1) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(coalesce(x, 0) + sign * coalesce(y, 0) ORDER BY i), '{}')
      FROM unnest(a, b) WITH ORDINALITY AS t(x, y, i)
$$;

CREATE OR REPLACE FUNCTION int_array_plus(a bigint[], b bigint[]) RETURNS bigint[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT int_array_add(a, b, 1) $$;

-- Element by element sum of arrays (of any lengths: missing elements are 0).
CREATE OR REPLACE AGGREGATE int_array_sum_agg(bigint[]) (SFUNC = int_array_plus, STYPE = bigint[], INITCOND = '{}');

CREATE OR REPLACE FUNCTION int_array_sum(a bigint[]) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(sum(x), 0)::bigint FROM unnest(a) x $$;

CREATE OR REPLACE FUNCTION int_array_min(a bigint[]) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT coalesce(min(x), 0) FROM unnest(a) x $$;
