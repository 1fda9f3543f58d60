-- Issue 8 (an outside security review): CSV cells that cannot become
-- formulas, and drawings of lots accepted only for a tie that exists.

-- A CSV cell.  A text a spreadsheet would read as a formula (starting with
-- =, +, -, @, a tab or a carriage return) gets a leading single quote, as
-- OWASP's "CSV Injection" advises; then RFC 4180 quoting as before.  The
-- exports' only text cells are names (results_csv); numbers never pass here.
CREATE OR REPLACE FUNCTION results_csv_field(s text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN t ~ '[",\r\n]' THEN '"' || replace(t, '"', '""') || '"' ELSE t END
      FROM (SELECT CASE WHEN s ~ '^[-=+@\t\r]' THEN '''' || s ELSE coalesce(s, '') END AS t) x
$$;
