// Command browser is the backend of aigate's browser example: a tiny web
// app that holds an aigate key, signs its demo user in, and hands the page a
// short-lived end-user token instead of any key. The page (static/) then
// streams a chat answer through aigate with the official OpenAI JS SDK.
//
//	AIGATE_KEY=aig_... go run . -gateway http://127.0.0.1:8080
//
// then open http://127.0.0.1:3000. README.md has the whole walk-through.
//
// The aigate key comes only from the environment and is only ever sent to
// the gateway, in the Authorization header of POST /v1/aigate/tokens. It
// uses the standard library only.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "browser example:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("browser", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:3000", "listen `address` of this backend")
	gw := fs.String("gateway", "http://127.0.0.1:8080", "aigate's base `URL`, as the browser reaches it")
	origin := fs.String("origin", "", "the page's origin, which tokens are bound to (default http://LISTEN)")
	model := fs.String("model", "gpt-4o-mini", "the one `model` tokens allow")
	ttl := fs.Duration("ttl", 10*time.Minute, "token lifetime (1s to 1h)")
	vendor := fs.String("vendor", "node_modules/openai", "`directory` of the openai npm package (npm ci)")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if *origin == "" {
		*origin = "http://" + *listen
	}
	cfg := Config{Gateway: *gw, Key: os.Getenv("AIGATE_KEY"), Origin: *origin, Model: *model, TTL: *ttl, Vendor: *vendor,
		Logger: slog.New(slog.NewTextHandler(os.Stderr, nil))}
	h, err := New(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	fmt.Printf("browser example: open %s (tokens from %s)\n", cfg.Origin, cfg.Gateway)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
