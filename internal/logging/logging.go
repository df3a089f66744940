// Package logging builds aigate's JSON logger. Secrets are kept out of logs
// in two layers: types that hold them print [redacted] themselves
// (gateway.Secret implements slog.LogValuer), and the handler built here
// masks attributes whose names mark them as credentials or content, and any
// string value that carries a credential-shaped token, wherever they appear.
package logging

import (
	"io"
	"log/slog"
	"regexp"
	"strings"
)

// Redacted replaces a masked value.
const Redacted = "[redacted]"

// sensitiveNames are attribute names whose values are never logged.
var sensitiveNames = map[string]bool{
	"authorization": true, "x-api-key": true, "x-goog-api-key": true, "api-key": true,
	"api_key": true, "apikey": true, "key": true, "secret": true, "token": true,
	"password": true, "cookie": true, "set-cookie": true, "credential": true,
	"prompt": true, "completion": true, "messages": true, "content": true, "body": true,
}

// credentialPrefixes start the tokens credentialPattern finds.
var credentialPrefixes = []string{"agk_", "sk-", "AIza", "AQ.", "gsk_", "xai-", "hf_", "r8_", "Bearer"}

// credentialPattern finds tokens shaped like aigate or provider keys inside
// free text, such as an error message that quotes a header.
var credentialPattern = func() *regexp.Regexp {
	var alts []string
	for _, p := range credentialPrefixes {
		if p == "Bearer" {
			alts = append(alts, `Bearer\s+`)
		} else {
			alts = append(alts, regexp.QuoteMeta(p))
		}
	}
	return regexp.MustCompile(`(?:` + strings.Join(alts, "|") + `)[A-Za-z0-9_\-.]{8,}`)
}()

// mayHoldCredential reports whether s holds one of credentialPrefixes: the
// cheap test before credentialPattern, which every string of every log line
// would otherwise pay for (the regexp has no literal prefix to skip by).
func mayHoldCredential(s string) bool {
	for _, p := range credentialPrefixes {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// New returns a JSON logger writing to w at level.
func New(w io.Writer, level slog.Leveler) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: Redact}))
}

// ParseLevel maps debug, info, warn and error to a level; anything else is info.
func ParseLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// Redact is a slog ReplaceAttr function that masks sensitive attributes and
// credential-shaped tokens in string values.
func Redact(_ []string, a slog.Attr) slog.Attr {
	if sensitiveNames[strings.ToLower(a.Key)] {
		return slog.String(a.Key, Redacted)
	}
	switch a.Value.Kind() {
	case slog.KindString:
		if s := a.Value.String(); mayHoldCredential(s) && credentialPattern.MatchString(s) {
			return slog.String(a.Key, credentialPattern.ReplaceAllString(s, Redacted))
		}
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok {
			if s := err.Error(); mayHoldCredential(s) && credentialPattern.MatchString(s) {
				return slog.String(a.Key, credentialPattern.ReplaceAllString(s, Redacted))
			}
		}
	}
	return a
}
