-- Drawings of lots (DOMAIN.md, "Seat allocation": exact ties are broken by
-- lot, recorded).  The CEC records the order a drawing put the tied parties
-- (or a district's tied candidates) in; the seat allocation of the results
-- API uses a contest's latest drawing.  Every drawing is kept and public.
CREATE TABLE results_lots (
    id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contest_id  integer NOT NULL REFERENCES contests,
    drawn_order integer[] NOT NULL CHECK (cardinality(drawn_order) BETWEEN 2 AND 64),
    note        text NOT NULL CHECK (note <> '' AND length(note) <= 500),
    recorded_by text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX results_lots_contest ON results_lots (contest_id, id DESC);
