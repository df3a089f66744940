-- Per-key limits and budget (JSON object, see limitsJSON), budgets'
-- spend and holds, alert marks, and the usage ledger. Money is integer
-- micro-dollars; times are Unix microseconds (UTC).
ALTER TABLE virtual_keys ADD COLUMN limits TEXT NOT NULL DEFAULT '{}';

-- Committed spend per budget scope and period window.
CREATE TABLE budget_spend (
	scope_kind   TEXT NOT NULL,
	scope_id     TEXT NOT NULL,
	period_start INTEGER NOT NULL,
	spent        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (scope_kind, scope_id, period_start)
) STRICT;

-- Reservations of requests in flight, one row per hold and budget.
CREATE TABLE budget_holds (
	hold_id      TEXT NOT NULL,
	scope_kind   TEXT NOT NULL,
	scope_id     TEXT NOT NULL,
	period_start INTEGER NOT NULL,
	amount       INTEGER NOT NULL,
	created      INTEGER NOT NULL,
	PRIMARY KEY (hold_id, scope_kind, scope_id)
) STRICT;
CREATE INDEX budget_holds_scope ON budget_holds (scope_kind, scope_id, period_start);

-- Thresholds that fired, once per budget and period.
CREATE TABLE budget_alerts (
	scope_kind   TEXT NOT NULL,
	scope_id     TEXT NOT NULL,
	period_start INTEGER NOT NULL,
	threshold    REAL NOT NULL,
	fired        INTEGER NOT NULL,
	PRIMARY KEY (scope_kind, scope_id, period_start, threshold)
) STRICT;

-- One row per request: metadata only, never content.
CREATE TABLE usage_ledger (
	id            INTEGER PRIMARY KEY,
	time          INTEGER NOT NULL,
	request_id    TEXT NOT NULL DEFAULT '',
	key_id        TEXT NOT NULL DEFAULT '',
	user          TEXT NOT NULL DEFAULT '',
	team          TEXT NOT NULL DEFAULT '',
	provider      TEXT NOT NULL DEFAULT '',
	model         TEXT NOT NULL DEFAULT '',
	input_tokens  INTEGER NOT NULL DEFAULT 0,
	output_tokens INTEGER NOT NULL DEFAULT 0,
	cached_tokens INTEGER NOT NULL DEFAULT 0,
	cost          INTEGER NOT NULL DEFAULT 0,
	status        INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE INDEX usage_ledger_time ON usage_ledger (time);
