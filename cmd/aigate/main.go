// Command aigate is a security gateway for AI APIs and a pre-deployment
// scanner for the repositories that call them.
//
//	aigate serve    run the gateway
//	aigate demo     run the gateway against a simulated provider and show each protection
//	aigate keys     create, list, show, rotate and revoke aigate keys
//	aigate usage    spend, tokens and requests by key, user, team, model or day
//	aigate audit    scan a repository for leaked keys and unsafe AI API use
//	aigate eval     measure a detector (injection, pii, secrets) on labelled data
//
// Run "aigate help" or "aigate COMMAND -h" for the flags of each command.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// stdio is where a command reads and writes.
type stdio struct {
	in       io.Reader
	out, err io.Writer
}

// command is one subcommand: it parses its own flags from args.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, io stdio) error
}

func commands() []command {
	return []command{
		{"serve", "run the gateway", runServe},
		{"demo", "run the gateway against a simulated provider and show each protection", runDemo},
		{"keys", "create, list, show, rotate and revoke aigate keys", runKeys},
		{"tokens", "mint a short-lived end-user token under an aigate key", runTokens},
		{"usage", "spend, tokens and requests by key, user, team, model or day", runUsage},
		{"audit", "scan a repository for leaked keys and unsafe AI API use", runAudit},
		{"eval", "measure a detector (injection, pii, secrets) on labelled JSONL", runEval},
	}
}

func run(ctx context.Context, args []string, in io.Reader, out, errw io.Writer) error {
	sio := stdio{in: in, out: out, err: errw}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(out)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], sio)
		}
	}
	usage(errw)
	return usageError(fmt.Sprintf("unknown command %q", args[0]))
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "aigate: a security gateway for AI APIs.\n\nUsage: aigate COMMAND [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-7s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'aigate COMMAND -h' for a command's flags.")
}

// exitError ends the program with a given exit code after printing msg (if
// any). Commands return it to choose a code other than 1.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError is a bad invocation: exit code 2.
func usageError(msg string) error { return &exitError{code: 2, msg: msg} }

// exitCode prints err and returns the process exit code for it.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "aigate:", ee.msg)
		}
		return ee.code
	}
	if errors.Is(err, context.Canceled) {
		return 130
	}
	fmt.Fprintln(stderr, "aigate:", err)
	return 1
}
