-- The JSON shapes of the public API, defined once and used by every
-- statement that returns them (cgi/api/*.c send these texts as they are).

CREATE TABLE age_groups (
    id    smallint PRIMARY KEY CHECK (id BETWEEN 1 AND 6),
    label text NOT NULL UNIQUE
);
INSERT INTO age_groups VALUES
    (1, '18-25'), (2, '26-35'), (3, '36-45'), (4, '46-55'), (5, '56-65'), (6, '66+');
