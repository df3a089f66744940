package main

import (
	"context"
	"errors"
	"flag"

	"github.com/aigate-dev/aigate/internal/budget"
	"github.com/aigate-dev/aigate/internal/keys"
)

// limitFlags are the per-key limit flags of keys create and keys update.
type limitFlags struct {
	rpm, rpd, tpm, concurrent, maxChars *int
	budget                              *string
	actsForUsers                        *bool
}

func addLimitFlags(fs *flag.FlagSet) *limitFlags {
	return &limitFlags{
		rpm:          fs.Int("rpm", 0, "requests per minute per end user (0: the configured default)"),
		rpd:          fs.Int("rpd", 0, "requests per day per end user (0: the configured default)"),
		tpm:          fs.Int("tpm", 0, "tokens per minute per end user (0: the configured default)"),
		concurrent:   fs.Int("concurrent", 0, "requests in flight per end user (0: the configured default)"),
		maxChars:     fs.Int("max-chars", 0, "longest user message in characters (0: validation.max_user_message_chars)"),
		budget:       fs.String("budget", "", "spend cap such as 5.00/month (day, week, month or none)"),
		actsForUsers: fs.Bool("acts-for-users", false, "the app may name its end users; each is limited on its own"),
	}
}

// limits returns the flags as key limits.
func (lf *limitFlags) limits() (keys.Limits, error) {
	amt, err := budget.ParseAmount(*lf.budget)
	if err != nil {
		return keys.Limits{}, errors.New("--budget: " + err.Error())
	}
	return keys.Limits{
		RequestsPerMinute: *lf.rpm, RequestsPerDay: *lf.rpd, TokensPerMinute: *lf.tpm, Concurrent: *lf.concurrent,
		Budget: amt, MaxUserMessageChars: *lf.maxChars, ActsForUsers: *lf.actsForUsers,
	}, nil
}

// updateKey applies the flags that were given on the command line, and
// only those, to key id.
func updateKey(ctx context.Context, svc *keys.Service, fs *flag.FlagSet, id string, lf *limitFlags, models, providers string) (*keys.VirtualKey, error) {
	var o keys.UpdateOptions
	var ferr error
	fs.Visit(func(f *flag.Flag) {
		v := f.Value.String()
		switch f.Name {
		case "rpm":
			o.RequestsPerMinute = lf.rpm
		case "rpd":
			o.RequestsPerDay = lf.rpd
		case "tpm":
			o.TokensPerMinute = lf.tpm
		case "concurrent":
			o.Concurrent = lf.concurrent
		case "max-chars":
			o.MaxUserMessageChars = lf.maxChars
		case "acts-for-users":
			o.ActsForUsers = lf.actsForUsers
		case "budget":
			amt, err := budget.ParseAmount(v)
			if err != nil {
				ferr = usageError("--budget: " + err.Error())
			}
			o.Budget = &amt
		case "team", "policy":
			s := v
			if f.Name == "team" {
				o.Team = &s
			} else {
				o.Policy = &s
			}
		case "models":
			l := splitList(models)
			o.Models = &l
		case "providers":
			l := splitList(providers)
			o.Providers = &l
		case "cors-origins":
			l := splitList(v)
			o.CORSOrigins = &l
		}
	})
	if ferr != nil {
		return nil, ferr
	}
	return svc.Update(ctx, id, o)
}
