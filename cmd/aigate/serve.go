package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const serveUsage = `Usage: aigate serve [--config FILE] [--env-file FILE] [--listen ADDR]

Runs the gateway. Point an OpenAI, Anthropic or Gemini SDK at it: base URL
http://ADDR (OpenAI: http://ADDR/v1) and an aigate key (aigate keys create).

Configuration comes from --config FILE (YAML; see README), or with no file
from the environment: each of OPENAI_API_KEY, ANTHROPIC_API_KEY and
GEMINI_API_KEY that is set configures that provider (OPENAI_BASE_URL and the
like override the base URL). AIGATE_LISTEN, AIGATE_DATABASE, AIGATE_REDIS,
AIGATE_LOG_LEVEL
and AIGATE_ADMIN_KEY (turns on /admin) apply in both cases. Provider keys in a
config file are references (env:NAME, file:/path), never the keys themselves.

Configuration sections (README.md shows each with an example): listen,
database (sqlite:PATH or postgres://…), redis, admin_key, providers,
validation (with per-model overrides), limits, budgets, prices, policies,
default_policy, tokens, identity_providers (JWTs of your own identity
provider), secrets, server, log. Secret fields take env:NAME, file:/path,
aws-sm:NAME[#field] or vault:PATH#FIELD, re-read every
secrets.refresh_interval (default 5m) and on SIGHUP.

Defaults: listen 127.0.0.1:8080, database sqlite:aigate.db, user messages up
to 2000 characters, 50 messages, max_tokens up to 4096, bodies up to 1 MiB,
10 requests per minute and 20000 tokens per minute per user, 4 concurrent.

Signals: SIGHUP reloads the configuration and provider keys without
dropping requests; SIGINT/SIGTERM stop after in-flight requests and streams
finish (server.shutdown_timeout, default 30s).

Flags:
`

func runServe(ctx context.Context, args []string, sio stdio) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	cfg := fs.String("config", "", "YAML configuration `file`")
	envFile := fs.String("env-file", "", "read environment variables from this .env `file` (only when given)")
	listen := fs.String("listen", "", "listen `address`, overriding the configuration")
	fs.Usage = func() { fmt.Fprint(sio.err, serveUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	a, err := newApp(ctx, appOptions{
		source: configSource{path: *cfg, envFile: *envFile, env: os.LookupEnv},
		listen: *listen,
		logOut: sio.err,
	})
	if err != nil {
		return err
	}
	if err := a.Start(); err != nil {
		_ = a.Shutdown(context.Background())
		return err
	}
	fmt.Fprintf(sio.out, "aigate is listening on %s\n", a.URL())

	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-hup:
			_ = a.Reload() // logged; the running configuration stays on error
		case <-ctx.Done():
			a.log.Info("shutting down; waiting for requests in flight")
			sctx, cancel := context.WithTimeout(context.Background(), time.Duration(a.rt.File.Server.ShutdownTimeout))
			defer cancel()
			return a.Shutdown(sctx)
		}
	}
}

// flagError turns a flag parse failure into a usage error; -h is not one.
func flagError(err error) error {
	if err == flag.ErrHelp {
		return nil
	}
	return usageError(err.Error())
}
