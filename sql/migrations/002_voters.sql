-- The voter list and the statistics kept up to date by its writes.

CREATE TABLE voters (
    pin            text PRIMARY KEY CHECK (pin ~ '^[0-9]{14}$'),
    last_name      text NOT NULL CHECK (last_name <> '' AND length(last_name) <= 100),
    first_name     text NOT NULL CHECK (first_name <> '' AND length(first_name) <= 100),
    patronymic     text CHECK (patronymic <> '' AND length(patronymic) <= 100),
    birth_date     date NOT NULL CHECK (birth_date > '1900-01-01'),
    sex            char(1) NOT NULL CHECK (sex IN ('F', 'M')),
    address        text NOT NULL CHECK (address <> '' AND length(address) <= 300),
    station_number integer NOT NULL REFERENCES stations,
    status         text NOT NULL DEFAULT 'active'
                   CHECK (status IN ('active', 'removed')),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX voters_station ON voters (station_number);

-- The date the statistics' ages are computed at: the list's last update.
CREATE TABLE voter_stats_asof (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    asof     date NOT NULL
);

-- Active voters by area (region 1..9, 0 = abroad), sex and age group.
CREATE TABLE voter_stats (
    region_id smallint NOT NULL CHECK (region_id BETWEEN 0 AND 9),
    sex       char(1) NOT NULL CHECK (sex IN ('F', 'M')),
    age_group smallint NOT NULL CHECK (age_group BETWEEN 0 AND 6),
    voters    integer NOT NULL CHECK (voters >= 0),
    PRIMARY KEY (region_id, sex, age_group)
);

-- Monthly snapshots of the list for the dynamics.
CREATE TABLE voter_list_snapshots (
    month     date NOT NULL CHECK (extract(day FROM month) = 1),
    region_id smallint NOT NULL CHECK (region_id BETWEEN 0 AND 9),
    sex       char(1) NOT NULL CHECK (sex IN ('F', 'M')),
    age_group smallint NOT NULL CHECK (age_group BETWEEN 0 AND 6),
    voters    integer NOT NULL CHECK (voters >= 0),
    PRIMARY KEY (month, region_id, sex, age_group)
);
