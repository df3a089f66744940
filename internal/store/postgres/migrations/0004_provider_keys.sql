-- When the gateway first saw each provider key, for rotation reminders.
-- fingerprint is a SHA-256 prefix of the key, never the key. A rotated key
-- is a new row.
CREATE TABLE provider_keys (
	provider    text NOT NULL,
	fingerprint text NOT NULL,
	first_seen  timestamptz NOT NULL,
	PRIMARY KEY (provider, fingerprint)
);
