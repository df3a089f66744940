package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/aigate-dev/aigate/internal/admin"
	"github.com/aigate-dev/aigate/internal/audit"
	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
)

// aigateKeyRule is the secretscan rule that recognises aigate keys by their
// checksum, so a look-alike is never reported (nor sent anywhere).
const aigateKeyRule = "aigate-key"

// revoker revokes leaked aigate keys through a gateway's admin API
// (POST /admin/keys/revoke-leaked), for aigate audit --revoke-live.
type revoker struct {
	base   *url.URL
	cred   gateway.Secret
	client *http.Client
}

// newRevoker checks --admin-url and --admin-key and resolves the admin
// credential. The credential must be a secret reference: a literal on the
// command line stays in shell history and is visible to every user in ps.
func newRevoker(adminURL, adminKey string) (*revoker, error) {
	if adminURL == "" {
		return nil, usageError("audit: --revoke-live needs --admin-url, the gateway's base URL (https://…)")
	}
	u, err := url.Parse(adminURL)
	if err != nil || u.Host == "" || u.User != nil || u.RawQuery != "" {
		return nil, usageError("audit: --admin-url must be a base URL such as https://aigate.example.com, without credentials or query")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopbackHost(u.Hostname()):
	default:
		return nil, usageError("audit: --admin-url must use https (http only for localhost): the leaked keys and the admin credential travel in the request")
	}
	if !config.IsReference(adminKey) {
		return nil, usageError("audit: --admin-key takes a secret reference such as env:AIGATE_ADMIN_KEY or file:/path, not the credential itself " +
			"(a credential on the command line is kept in shell history and shown by ps)")
	}
	cred, err := resolver(os.LookupEnv).Resolve(adminKey)
	if err != nil {
		return nil, &exitError{code: 2, msg: "audit: --admin-key: " + err.Error()}
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	return &revoker{base: u, cred: cred, client: &http.Client{
		Timeout: 15 * time.Second,
		// A redirect could carry the leaked key somewhere else: refuse it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// leakedKey is one distinct aigate key a scan found, at its first place.
type leakedKey struct {
	key    string
	where  string
	places int
}

// leakedKeys returns the distinct aigate keys among the findings, in
// report order. Keys not revealed or not well-formed are left out.
func leakedKeys(res *audit.Result) []leakedKey {
	var out []leakedKey
	at := map[string]int{}
	for _, f := range res.Findings {
		if f.Rule != aigateKeyRule {
			continue
		}
		key := res.Revealed[f.Fingerprint]
		if !keys.Valid(key) {
			continue
		}
		if i, ok := at[key]; ok {
			out[i].places++
			continue
		}
		at[key] = len(out)
		out = append(out, leakedKey{key: key, where: findingPlace(f), places: 1})
	}
	return out
}

// findingPlace says where a finding is: path:line, and the commit for
// history and staged scans.
func findingPlace(f audit.Finding) string {
	s := f.Path
	if f.Line > 0 {
		s = fmt.Sprintf("%s:%d", f.Path, f.Line)
	}
	switch {
	case f.Commit == "staged":
		s += " (staged)"
	case f.Commit != "":
		c := f.Commit
		if len(c) > 12 {
			c = c[:12]
		}
		s += " in commit " + c
	}
	return s
}

// revokeAll revokes each key, printing one line per key to w (never the
// key), and returns how many revocations failed.
func (rv *revoker) revokeAll(ctx context.Context, w io.Writer, found []leakedKey) int {
	if len(found) == 0 {
		fmt.Fprintln(w, "--revoke-live: no aigate keys found; nothing to revoke")
		return 0
	}
	failed := 0
	for _, k := range found {
		where := k.where
		switch {
		case k.places == 2:
			where += " and 1 more place"
		case k.places > 2:
			where += fmt.Sprintf(" and %d more places", k.places-1)
		}
		res, err := rv.revoke(ctx, k.key)
		switch {
		case err != nil:
			failed++
			fmt.Fprintf(w, "FAILED to revoke the aigate key found at %s: %v\n", where, err)
		case res.Result == admin.LeakedRevoked:
			fmt.Fprintf(w, "revoked %s (%s), found at %s\n", res.ID, res.Name, where)
		case res.Result == admin.LeakedAlreadyRevoked:
			fmt.Fprintf(w, "already revoked: %s (%s), found at %s\n", res.ID, res.Name, where)
		case res.Result == admin.LeakedUnknown:
			fmt.Fprintf(w, "not a key of this gateway (nothing revoked), found at %s\n", where)
		default:
			failed++
			fmt.Fprintf(w, "FAILED to revoke the aigate key found at %s: unexpected answer %q\n", where, res.Result)
		}
	}
	return failed
}

// revoke sends one key to POST /admin/keys/revoke-leaked. Errors never
// hold the key: the request body is not quoted, and the gateway's error
// messages do not echo it.
func (rv *revoker) revoke(ctx context.Context, key string) (admin.RevokeLeakedResponse, error) {
	var out admin.RevokeLeakedResponse
	body, _ := json.Marshal(admin.RevokeLeakedRequest{Key: key, Reason: "leaked: found by aigate audit"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rv.base.String()+"/admin/keys/revoke-leaked", bytes.NewReader(body))
	if err != nil {
		return out, errors.New("building the request failed")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+rv.cred.Reveal())
	resp, err := rv.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // the URL is already known to the operator; keep the cause
		}
		return out, fmt.Errorf("the admin API did not answer: %v", err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		msg := http.StatusText(resp.StatusCode)
		if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
			msg = e.Error.Message
		}
		if resp.StatusCode == http.StatusNotFound && e.Error.Message == "" {
			msg += " (is this aigate's admin URL?)"
		}
		return out, fmt.Errorf("%d: %s", resp.StatusCode, msg)
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return out, errors.New("the admin API answered something other than JSON")
	}
	return out, nil
}
