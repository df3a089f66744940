package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aigate-dev/aigate/internal/config"
	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/provider/openai"
	"github.com/aigate-dev/aigate/internal/proxy"
	"github.com/aigate-dev/aigate/internal/tokens"
)

// tokenWiring is the gateway's end-user token state: the parent-key cache,
// which lives as long as the process, and the minting handler of the
// running configuration (nil while tokens are off).
type tokenWiring struct {
	parents *tokens.Parents
	minter  atomic.Pointer[tokens.Handler]
	// now is the clock of tokens; nil means time.Now (tests move it).
	now func() time.Time
}

// initTokens builds the parent-key cache: its TTL is the key cache's, so a
// revoked key's tokens end within the same bound as the key, and a change
// made through this instance's key cache forgets the parent at once.
func (a *app) initTokens() {
	a.tok.parents = &tokens.Parents{Lookup: a.parentKey, TTL: keys.DefaultCacheTTL, Now: a.tok.now}
	prev := a.keyCache.OnChange
	a.keyCache.OnChange = func(id string) {
		a.tok.parents.Forget(id)
		a.cors.forget()
		if prev != nil {
			prev(id)
		}
	}
}

// parentKey is the Lookup of the parent-key cache.
func (a *app) parentKey(ctx context.Context, id string) (*gateway.Principal, error) {
	vk, err := a.db.ByID(ctx, id)
	switch {
	case errors.Is(err, keys.ErrNotFound):
		return nil, fmt.Errorf("%w: %w", tokens.ErrParentGone, err)
	case err != nil:
		return nil, err
	}
	now := time.Now()
	if a.tok.now != nil {
		now = a.tok.now()
	}
	if vk.Status(now) != keys.StatusActive {
		return nil, fmt.Errorf("key %s is %s: %w", id, vk.Status(now), tokens.ErrParentGone)
	}
	return vk.Principal(), nil
}

// tokenAuth returns the authentication middleware for rt: key
// authentication, preceded by token authentication when tokens are on.
// It also swaps in the minting handler of rt.
func (a *app) tokenAuth(rt *config.Runtime, byKey gateway.Middleware) gateway.Middleware {
	if rt.Tokens == nil {
		a.tok.minter.Store(nil)
		return byKey
	}
	auth, err := tokens.New(rt.Tokens.Signing, tokens.Options{Revocations: a.tok.parents, Previous: rt.Tokens.Previous, Now: a.tok.now,
		Skew: time.Duration(rt.File.Tokens.ClockSkew)})
	if err != nil {
		panic("aigate: validated token keys failed to build: " + err.Error())
	}
	def, maxTTL := rt.File.Tokens.TTLs()
	a.tok.minter.Store(&tokens.Handler{
		// Key guesses at the minting endpoint count against the client
		// address like failures on any other route.
		Authority: auth, Keys: a.acct.failedAuth(rt).Wrap(byKey), Credential: proxy.Credential, WriteError: openai.Adapter{}.WriteError,
		DefaultTTL: def, MaxTTL: maxTTL, Logger: a.log,
	})
	ta := &tokens.Authenticator{Authority: auth, Parents: a.tok.parents, Logger: a.log,
		Origin: func(req *gateway.Request) string { return req.Origin }}
	return ta.Middleware(byKey)
}

// serveMint serves POST /v1/aigate/tokens with the running configuration.
func (a *app) serveMint(w http.ResponseWriter, r *http.Request) {
	h := a.tok.minter.Load()
	if h == nil {
		openai.Adapter{}.WriteError(w, gateway.Errorf(gateway.CodeNotFound, "end-user tokens are off: set tokens.signing_key in the configuration"))
		return
	}
	h.ServeHTTP(w, r)
}

const tokensUsage = `Usage: aigate tokens mint --key-id ID --user USER [--ttl 10m] [--origin URL]
                          [--models a,b*] [--policy P] [--json]

Mints a short-lived end-user token (agt_…) under the aigate key ID, signed
with tokens.signing_key of the same --config or environment as 'aigate
serve'. The token is printed once. A token only narrows its key: --models
must be allowed to the key, and --policy must be the key's own.

Flags: --config FILE, --env-file FILE, --json.
`

func runTokens(ctx context.Context, args []string, sio stdio) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(sio.out, tokensUsage)
		return nil
	}
	if args[0] != "mint" {
		return usageError(fmt.Sprintf("unknown tokens command %q (see 'aigate tokens -h')", args[0]))
	}
	fs := flag.NewFlagSet("tokens mint", flag.ContinueOnError)
	fs.SetOutput(sio.err)
	fs.Usage = func() { fmt.Fprint(sio.err, tokensUsage) }
	cfg := fs.String("config", "", "YAML configuration `file`")
	envFile := fs.String("env-file", "", "read environment variables from this .env `file`")
	asJSON := fs.Bool("json", false, "print JSON")
	keyID := fs.String("key-id", "", "ID of the aigate key the token acts under")
	user := fs.String("user", "", "end-user id the token is bound to")
	ttl := fs.Duration("ttl", 0, "lifetime; default tokens.default_ttl")
	origin := fs.String("origin", "", "browser origin the token is bound to, such as https://app.example")
	models := fs.String("models", "", "comma-separated allowed models (a subset of the key's)")
	policy := fs.String("policy", "", "policy (must be the key's own)")
	if err := fs.Parse(args[1:]); err != nil {
		return flagError(err)
	}
	if *keyID == "" || *user == "" {
		return usageError("tokens mint needs --key-id and --user")
	}
	f, env, err := configSource{path: *cfg, envFile: *envFile, env: os.LookupEnv}.load()
	if err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	tk, err := f.Tokens.Resolve(resolver(env))
	if err != nil {
		return err
	}
	if tk == nil {
		return errors.New("end-user tokens are off: set tokens.signing_key in the configuration")
	}
	db, err := openStore(ctx, f.Database)
	if err != nil {
		return err
	}
	defer db.Close()
	vk, err := db.ByID(ctx, *keyID)
	if err != nil {
		return keysError(err)
	}
	if s := vk.Status(time.Now()); s != keys.StatusActive {
		return fmt.Errorf("key %s is %s: it cannot mint tokens", vk.ID, s)
	}
	// Minting verifies nothing; the gateway checks the parent on use.
	never := tokens.RevocationsFunc(func(context.Context, string) (bool, error) { return false, nil })
	auth, err := tokens.New(tk.Signing, tokens.Options{Revocations: never, Previous: tk.Previous})
	if err != nil {
		return err
	}
	def, maxTTL := f.Tokens.TTLs()
	if *ttl == 0 {
		*ttl = def
	}
	if *ttl < time.Second || *ttl > maxTTL {
		return usageError(fmt.Sprintf("--ttl must be between 1s and %s", maxTTL))
	}
	parent := vk.Principal()
	if *policy != "" && *policy != parent.Policy {
		return errors.New("a token cannot change its key's policy; leave --policy empty or name the key's own")
	}
	tok, c, err := auth.Mint(parent, tokens.Mint{User: *user, Policy: *policy, Models: splitList(*models), TTL: *ttl, Origin: *origin})
	if err != nil {
		var ge *gateway.Error
		if errors.As(err, &ge) {
			return errors.New(ge.Message)
		}
		return err
	}
	if *asJSON {
		return writeJSON(sio.out, tokens.MintResponse{Token: tok.Reveal(), ID: c.ID, ParentKey: c.ParentKey, User: c.User,
			Models: c.Models, Policy: c.Policy, Origin: c.Origin, ExpiresAt: c.ExpiresAt().UTC()})
	}
	fmt.Fprintf(sio.out, "Token %s for %s under key %s, valid until %s%s:\n\n    %s\n",
		c.ID, c.User, c.ParentKey, c.ExpiresAt().UTC().Format(time.RFC3339), originNote(c.Origin), tok.Reveal())
	return nil
}

func originNote(o string) string {
	if o == "" {
		return ""
	}
	return " from " + strings.TrimSpace(o)
}
