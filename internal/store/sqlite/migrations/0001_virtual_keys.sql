-- Virtual keys: aigate keys as issued. Only the SHA-256 of a key is kept.
-- Times are Unix nanoseconds (UTC); NULL means "not set".
CREATE TABLE virtual_keys (
	id             TEXT PRIMARY KEY,
	hash           BLOB NOT NULL CHECK (length(hash) = 32),
	name           TEXT NOT NULL,
	owner          TEXT NOT NULL DEFAULT '',
	team           TEXT NOT NULL DEFAULT '',
	policy         TEXT NOT NULL DEFAULT '',
	models         TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	providers      TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
	metadata       TEXT NOT NULL DEFAULT '{}', -- JSON object of strings
	created        INTEGER NOT NULL,
	expires        INTEGER,
	revoked        INTEGER,
	revoke_reason  TEXT NOT NULL DEFAULT '',
	exposed        INTEGER,
	exposed_reason TEXT NOT NULL DEFAULT '',
	rotated_to     TEXT REFERENCES virtual_keys (id)
) STRICT;

CREATE UNIQUE INDEX virtual_keys_hash ON virtual_keys (hash);
CREATE INDEX virtual_keys_created ON virtual_keys (created, id);
