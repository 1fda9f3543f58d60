-- The document store (cgi/core/files.c, cgi/api/documents.c): one row per
-- version of a document.  The file itself is on disk under its SHA-256
-- (var/files/ab/cd/<sha256>), stored once however many rows name it.
-- Owners are rows of other tables (a station's number, an application's
-- id), named by owner_type; which kinds each takes is cgi/api/document_kinds.c.
-- A replacement is a new row naming the version it replaces; the old stays.
CREATE TABLE documents (
    id           bigserial PRIMARY KEY,
    owner_type   text NOT NULL CHECK (owner_type IN ('stations', 'applications')),
    owner_id     bigint NOT NULL CHECK (owner_id > 0),
    kind         text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,47}$'),
    visibility   text NOT NULL CHECK (visibility IN ('public', 'private')),
    version      integer NOT NULL CHECK (version >= 1),
    replaces     bigint UNIQUE,     -- one successor per version: a chain, never a fork
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size         bigint NOT NULL CHECK (size > 0),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
    pages        integer CHECK (pages > 0),   -- a PDF's, when they could be counted
    uploaded_by  text NOT NULL CHECK (uploaded_by ~ '^[0-9]{14}$'),
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((version = 1) = (replaces IS NULL)),
    CHECK (pages IS NULL OR content_type = 'application/pdf'),
    -- A version replaces a document of the same owner, kind and visibility.
    UNIQUE (id, owner_type, owner_id, kind, visibility),
    FOREIGN KEY (replaces, owner_type, owner_id, kind, visibility)
        REFERENCES documents (id, owner_type, owner_id, kind, visibility)
);
CREATE INDEX documents_owner ON documents (owner_type, owner_id, kind, id);
CREATE INDEX documents_sha256 ON documents (sha256);
