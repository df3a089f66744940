package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/aigate-dev/aigate/internal/budget"
)

const usageUsage = `Usage: aigate usage [--by key|user|team|model|day] [--since 2026-11-01] [--until DATE] [--json]

Prints spend, tokens and requests from the usage ledger of the database the
gateway uses (the same --config or environment as 'aigate serve'), grouped
by key, end user, team, model or day (UTC), highest spend first. Dates are
UTC days; --since is inclusive, --until exclusive.

Flags:
`

func runUsage(ctx context.Context, args []string, sio stdio) error {
	fs := flag.NewFlagSet("usage", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	cfg := fs.String("config", "", "YAML configuration `file`")
	envFile := fs.String("env-file", "", "read environment variables from this .env `file`")
	by := fs.String("by", "key", "group by key, user, team, model or day")
	since := fs.String("since", "", "first day, such as 2026-11-01")
	until := fs.String("until", "", "day after the last")
	asJSON := fs.Bool("json", false, "print JSON")
	fs.Usage = func() { fmt.Fprint(sio.err, usageUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	q := budget.UsageQuery{By: budget.GroupBy(*by)}
	if !q.By.Valid() {
		return usageError("--by must be key, user, team, model or day")
	}
	for _, d := range []struct {
		name, v string
		dst     *time.Time
	}{{"--since", *since, &q.Since}, {"--until", *until, &q.Until}} {
		if d.v == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, d.v)
		if err != nil {
			return usageError(d.name + " must be a date such as 2026-11-01")
		}
		*d.dst = t
	}
	f, _, err := configSource{path: *cfg, envFile: *envFile, env: os.LookupEnv}.load()
	if err != nil {
		return err
	}
	db, err := openStore(ctx, f.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	ul, ok := db.(budget.UsageLog)
	if !ok {
		return errors.New("this database keeps no usage ledger")
	}
	rows, err := ul.Usage(ctx, q)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(sio.out, map[string]any{"by": q.By, "rows": rows})
	}
	tw := tabwriter.NewWriter(sio.out, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\tREQUESTS\tINPUT TOKENS\tCACHED\tOUTPUT TOKENS\tSPEND\t\n", string(q.By))
	var total budget.UsageRow
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%s\t\n", dash(r.Group), r.Requests, r.InputTokens, r.CachedTokens, r.OutputTokens, r.Cost)
		total.Requests += r.Requests
		total.InputTokens += r.InputTokens
		total.CachedTokens += r.CachedTokens
		total.OutputTokens += r.OutputTokens
		total.Cost += r.Cost
	}
	fmt.Fprintf(tw, "total\t%s\t%d\t%d\t%d\t%s\t\n", strconv.FormatInt(total.Requests, 10), total.InputTokens, total.CachedTokens, total.OutputTokens, total.Cost)
	return tw.Flush()
}
