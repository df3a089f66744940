-- When the gateway first saw each provider key, for rotation reminders.
-- fingerprint is a SHA-256 prefix of the key, never the key; first_seen is
-- Unix microseconds (UTC). A rotated key is a new row.
CREATE TABLE provider_keys (
	provider    TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	first_seen  INTEGER NOT NULL,
	PRIMARY KEY (provider, fingerprint)
) STRICT;
