-- A fund's line as the public reads it, made once when it is added (by
-- fund_lines_public, sql/functions/024_funds.sql), so that a page of lines
-- is a concatenation, not a hundred JSON objects built per request.
ALTER TABLE fund_lines ADD COLUMN public_json text;
-- Lines added before: made now (the same shape as fund_line_json()).
UPDATE fund_lines SET public_json = json_build_object('id', id, 'direction', direction, 'category', category,
    'counterparty', counterparty, 'amount', round(amount / 100.0, 2), 'date', line_date,
    'description', description)::text
 WHERE public_json IS NULL;
