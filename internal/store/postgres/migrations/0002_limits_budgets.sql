-- Per-key limits and budget (JSON object, see limitsJSON), budgets'
-- spend and holds, alert marks, and the usage ledger. Money is integer
-- micro-dollars (bigint); times are timestamptz to the microsecond.
ALTER TABLE virtual_keys ADD COLUMN limits jsonb NOT NULL DEFAULT '{}';

-- Committed spend per budget scope and period window. Reserve locks a
-- scope's row while it checks the cap, which serialises reservations of
-- one budget across every gateway instance.
CREATE TABLE budget_spend (
	scope_kind   text NOT NULL,
	scope_id     text NOT NULL,
	period_start timestamptz NOT NULL,
	spent        bigint NOT NULL DEFAULT 0,
	PRIMARY KEY (scope_kind, scope_id, period_start)
);

-- Reservations of requests in flight, one row per hold and budget.
CREATE TABLE budget_holds (
	hold_id      text NOT NULL,
	scope_kind   text NOT NULL,
	scope_id     text NOT NULL,
	period_start timestamptz NOT NULL,
	amount       bigint NOT NULL CHECK (amount >= 0),
	created      timestamptz NOT NULL,
	PRIMARY KEY (hold_id, scope_kind, scope_id)
);
CREATE INDEX budget_holds_scope ON budget_holds (scope_kind, scope_id, period_start);
CREATE INDEX budget_holds_created ON budget_holds (created);

-- Thresholds that fired, once per budget and period.
CREATE TABLE budget_alerts (
	scope_kind   text NOT NULL,
	scope_id     text NOT NULL,
	period_start timestamptz NOT NULL,
	threshold    double precision NOT NULL,
	fired        timestamptz NOT NULL,
	PRIMARY KEY (scope_kind, scope_id, period_start, threshold)
);

-- One row per request: metadata only, never content. The end user's
-- column is end_user: "user" is reserved in PostgreSQL.
CREATE TABLE usage_ledger (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	time          timestamptz NOT NULL,
	request_id    text NOT NULL DEFAULT '',
	key_id        text NOT NULL DEFAULT '',
	end_user      text NOT NULL DEFAULT '',
	team          text NOT NULL DEFAULT '',
	provider      text NOT NULL DEFAULT '',
	model         text NOT NULL DEFAULT '',
	input_tokens  bigint NOT NULL DEFAULT 0,
	output_tokens bigint NOT NULL DEFAULT 0,
	cached_tokens bigint NOT NULL DEFAULT 0,
	cost          bigint NOT NULL DEFAULT 0,
	status        integer NOT NULL DEFAULT 0
);
CREATE INDEX usage_ledger_time ON usage_ledger (time);
