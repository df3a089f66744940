-- Per-key CORS allow-list: the browser origins (scheme://host[:port]) whose
-- pages may call the gateway with the key or its tokens; a JSON array,
-- empty when CORS is off for the key.
ALTER TABLE virtual_keys ADD COLUMN cors_origins TEXT NOT NULL DEFAULT '[]';
