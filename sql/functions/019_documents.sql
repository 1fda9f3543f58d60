-- A new version of a document in the store (cgi/api/documents.c; the demo
-- too): the row the file stored under its SHA-256 is known by.  Its id.
CREATE OR REPLACE FUNCTION document_add(owner_type text, owner_id bigint, kind text, visibility text,
                                        sha256 text, size bigint, content_type text, pages integer,
                                        uploaded_by text, replaces bigint, version integer)
RETURNS bigint LANGUAGE sql AS $$
    INSERT INTO documents (owner_type, owner_id, kind, visibility, sha256, size, content_type, pages,
                           uploaded_by, replaces, version)
    VALUES (owner_type, owner_id, kind, visibility, sha256, size, content_type, pages, uploaded_by,
            replaces, version)
    RETURNING id
$$;
