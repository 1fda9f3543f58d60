CREATE TABLE elections (
    id      integer PRIMARY KEY,
    date    date NOT NULL,
    name_ru text NOT NULL CHECK (name_ru <> ''),
    name_ky text NOT NULL CHECK (name_ky <> ''),
    type    text NOT NULL CHECK (type IN ('parliamentary', 'presidential', 'referendum', 'local')),
    status  text NOT NULL CHECK (status IN ('scheduled', 'open', 'counting', 'completed', 'annulled')),
    voters  integer CHECK (voters >= 0),            -- on the lists
    ballots integer CHECK (ballots >= 0),           -- voters who took part
    CHECK (ballots IS NULL OR (voters IS NOT NULL AND ballots <= voters)),
    CHECK (status IN ('scheduled', 'open') OR voters IS NOT NULL)
);
CREATE INDEX elections_date ON elections (date DESC);
