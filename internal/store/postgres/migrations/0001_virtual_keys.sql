-- Virtual keys: aigate keys as issued. Only the SHA-256 of a key is kept.
-- Times are to the microsecond; NULL means "not set".
CREATE TABLE virtual_keys (
	id             text PRIMARY KEY,
	hash           bytea NOT NULL CHECK (octet_length(hash) = 32),
	name           text NOT NULL,
	owner          text NOT NULL DEFAULT '',
	team           text NOT NULL DEFAULT '',
	policy         text NOT NULL DEFAULT '',
	models         text[] NOT NULL DEFAULT '{}',
	providers      text[] NOT NULL DEFAULT '{}',
	metadata       jsonb NOT NULL DEFAULT '{}', -- object of strings
	created        timestamptz NOT NULL,
	expires        timestamptz,
	revoked        timestamptz,
	revoke_reason  text NOT NULL DEFAULT '',
	exposed        timestamptz,
	exposed_reason text NOT NULL DEFAULT '',
	rotated_to     text REFERENCES virtual_keys (id)
);

CREATE UNIQUE INDEX virtual_keys_hash ON virtual_keys (hash);
-- List orders by creation, then by ID byte by byte (as SQLite does),
-- whatever the database's collation.
CREATE INDEX virtual_keys_created ON virtual_keys (created, id COLLATE "C");
