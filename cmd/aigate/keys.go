package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aigate-dev/aigate/internal/admin"
	"github.com/aigate-dev/aigate/internal/keys"
)

const keysUsage = `Usage: aigate keys COMMAND [flags]

Manages aigate keys in the database the gateway uses (the same --config or
environment as 'aigate serve').

Commands:
  create  --name NAME [--owner O] [--team T] [--policy P] [--models a,b*] [--providers p,q]
          [--expires 720h] [--meta k=v ...] [--cors-origins https://app.example,...]
                                               issue a key; it is shown once
  list                                         list keys (never their secrets)
  show    ID                                   one key
  revoke  ID [--reason TEXT]                   end a key now
  rotate  ID [--grace 24h]                     issue a successor; the old key works for --grace
  update  ID [limit flags] [--team T] [--policy P] [--models a,b*] [--cors-origins a,b]
                                               change a key's settings ("" turns CORS off)

Limit flags (create and update; 0 means the configured default):
  --rpm N --rpd N --tpm N --concurrent N   requests per minute / day, tokens per minute,
                                           requests in flight, per end user of the key
  --budget 5.00/month                      spend cap (day, week, month or none); "" removes it
  --max-chars N                            overrides validation.max_user_message_chars
  --acts-for-users                         the app may name its end users (OpenAI user,
                                           Anthropic metadata.user_id, X-Aigate-User)

Every command takes --config FILE, --env-file FILE and --json.
`

func runKeys(ctx context.Context, args []string, sio stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(sio.out, keysUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("keys "+sub, flag.ContinueOnError)
	fs.SetOutput(sio.err)
	fs.Usage = func() { fmt.Fprint(sio.err, keysUsage) }
	cfg := fs.String("config", "", "YAML configuration `file`")
	envFile := fs.String("env-file", "", "read environment variables from this .env `file`")
	asJSON := fs.Bool("json", false, "print JSON")

	var (
		opts        keys.CreateOptions
		models      = fs.String("models", "", "comma-separated allowed model names or prefixes (create)")
		providers   = fs.String("providers", "", "comma-separated allowed provider names (create)")
		corsOrigins = fs.String("cors-origins", "", "comma-separated browser origins whose pages may use the key or its tokens (create, update)")
		expires     = fs.Duration("expires", 0, "lifetime, such as 720h (create); zero never expires")
		reason      = fs.String("reason", "", "why the key is revoked (revoke)")
		grace       = fs.Duration("grace", 24*time.Hour, "how long the old key keeps working (rotate)")
		meta        = metaFlag{}
	)
	fs.StringVar(&opts.Name, "name", "", "what the key is for, such as web-app (create)")
	fs.StringVar(&opts.Owner, "owner", "", "who the key belongs to (create)")
	fs.StringVar(&opts.Team, "team", "", "team the key belongs to (create)")
	fs.StringVar(&opts.Policy, "policy", "", "policy applied to the key's requests (create)")
	fs.Var(meta, "meta", "metadata `key=value`, repeatable (create)")
	lf := addLimitFlags(fs)

	// Accept the ID before or after the flags.
	var id string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, args = args[0], args[1:]
	}
	if err := fs.Parse(args); err != nil {
		return flagError(err)
	}
	if id == "" && fs.NArg() > 0 {
		id = fs.Arg(0)
	}
	needID := sub == "show" || sub == "revoke" || sub == "rotate" || sub == "update"
	if needID && id == "" {
		return usageError(fmt.Sprintf("keys %s needs a key ID (see 'aigate keys list')", sub))
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
	// Changes reach running gateways within the key cache's TTL; with
	// redis: they are also announced at once.
	cache := &keys.Cache{Store: db}
	if f.Redis != "" {
		publish, closePub := keyChangePublisher(f.Redis, "aigate:keys:changed", sio.err)
		defer closePub()
		cache.OnChange = publish
	}
	svc := &keys.Service{Store: cache}
	now := time.Now()
	print := func(v admin.Key) error {
		if *asJSON {
			return writeJSON(sio.out, v)
		}
		printKey(sio.out, v)
		return nil
	}

	switch sub {
	case "create":
		opts.Models, opts.Providers, opts.TTL, opts.Metadata = splitList(*models), splitList(*providers), *expires, meta
		opts.CORSOrigins = splitList(*corsOrigins)
		if opts.Limits, err = lf.limits(); err != nil {
			return usageError(err.Error())
		}
		secret, vk, err := svc.Create(ctx, opts)
		if err != nil {
			return keysError(err)
		}
		v := admin.View(vk, now)
		v.Key = secret.Reveal()
		if *asJSON {
			return writeJSON(sio.out, v)
		}
		fmt.Fprintf(sio.out, "Created key %s (%s).\n\n    %s\n\nStore it now: aigate keeps only a hash and cannot show it again.\n", vk.ID, vk.Name, v.Key)
		return nil
	case "list":
		vks, err := db.List(ctx)
		if err != nil {
			return err
		}
		views := make([]admin.Key, 0, len(vks))
		for _, vk := range vks {
			views = append(views, admin.View(vk, now))
		}
		if *asJSON {
			return writeJSON(sio.out, views)
		}
		tw := tabwriter.NewWriter(sio.out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tOWNER\tSTATUS\tCREATED\tEXPIRES")
		for _, v := range views {
			status := string(v.Status)
			if v.Exposed != nil && v.Status == keys.StatusActive {
				status += " (exposed: rotate it)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Name, dash(v.Owner), status, v.Created.Format(time.DateOnly), dashTime(v.Expires))
		}
		return tw.Flush()
	case "show":
		vk, err := db.ByID(ctx, id)
		if err != nil {
			return keysError(err)
		}
		return print(admin.View(vk, now))
	case "revoke":
		if err := svc.Revoke(ctx, id, *reason); err != nil {
			return keysError(err)
		}
		vk, err := db.ByID(ctx, id)
		if err != nil {
			return keysError(err)
		}
		return print(admin.View(vk, now))
	case "rotate":
		secret, next, err := svc.Rotate(ctx, id, *grace)
		if err != nil {
			return keysError(err)
		}
		v := admin.View(next, now)
		v.Key = secret.Reveal()
		if *asJSON {
			return writeJSON(sio.out, v)
		}
		fmt.Fprintf(sio.out, "Rotated %s to %s; the old key works until %s.\n\n    %s\n\nStore it now: aigate cannot show it again.\n",
			id, next.ID, now.Add(*grace).Format(time.RFC3339), v.Key)
		return nil
	case "update":
		vk, err := updateKey(ctx, svc, fs, id, lf, *models, *providers)
		if err != nil {
			return keysError(err)
		}
		return print(admin.View(vk, now))
	default:
		return usageError(fmt.Sprintf("unknown keys command %q (create, list, show, revoke, rotate, update)", sub))
	}
}

// keysError turns an unknown ID into a message a person can act on.
func keysError(err error) error {
	if errors.Is(err, keys.ErrNotFound) {
		return errors.New("no key with that ID (see 'aigate keys list')")
	}
	return err
}

func printKey(w io.Writer, v admin.Key) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, v)
		}
	}
	row("id", v.ID)
	row("name", v.Name)
	row("owner", v.Owner)
	row("team", v.Team)
	row("policy", v.Policy)
	row("status", string(v.Status))
	row("created", v.Created.Format(time.RFC3339))
	if v.Expires != nil {
		row("expires", v.Expires.Format(time.RFC3339))
	}
	if v.Revoked != nil {
		row("revoked", v.Revoked.Format(time.RFC3339)+" ("+v.RevokeReason+")")
	}
	if v.Exposed != nil {
		row("exposed", v.Exposed.Format(time.RFC3339)+" ("+v.ExposedReason+"): rotate this key")
	}
	row("models", strings.Join(v.Models, ", "))
	row("providers", strings.Join(v.Providers, ", "))
	row("cors origins", strings.Join(v.CORSOrigins, ", "))
	row("rotated to", v.RotatedTo)
	_ = tw.Flush()
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func dashTime(t *time.Time) string {
	if t == nil {
		return "never"
	}
	return t.Format(time.DateOnly)
}

// metaFlag collects repeated --meta key=value flags.
type metaFlag map[string]string

func (m metaFlag) String() string { return "" }

func (m metaFlag) Set(s string) error {
	k, v, ok := strings.Cut(s, "=")
	if !ok || k == "" {
		return errors.New("want key=value")
	}
	m[k] = v
	return nil
}
