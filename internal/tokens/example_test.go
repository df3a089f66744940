package tokens_test

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/tokens"
)

func Example() {
	// The signing key comes from a secret reference; here, 32 fresh bytes.
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	key := gateway.NewSecret(base64.StdEncoding.EncodeToString(b))

	// The gateway answers revocation checks from its key cache.
	notRevoked := tokens.RevocationsFunc(func(context.Context, string) (bool, error) { return false, nil })
	a, err := tokens.New(key, tokens.Options{Revocations: notRevoked})
	if err != nil {
		panic(err)
	}

	// The app backend, authenticated with its aigate key, mints a token for
	// its logged-in user.
	parent := &gateway.Principal{KeyID: "vk_0123456789ab", Models: []string{"gpt-4o-mini", "claude-*"}}
	tok, _, err := a.Mint(parent, tokens.Mint{User: "user-42", Models: []string{"gpt-4o-mini"}, TTL: 10 * time.Minute, Origin: "https://app.example"})
	if err != nil {
		panic(err)
	}
	fmt.Println(tok, strings.HasPrefix(tok.Reveal(), tokens.Prefix+"eyJ"))

	// The browser sends it as its API key; the gateway verifies it.
	c, err := a.Verify(context.Background(), tok.Reveal())
	if err != nil {
		panic(err)
	}
	p := c.Principal(parent)
	fmt.Println(c.ParentKey, p.User, p.AllowsModel("gpt-4o-mini"), p.AllowsModel("claude-3-5-haiku"))
	fmt.Println(c.AllowsOrigin("https://app.example"), c.AllowsOrigin("https://evil.example"))
	// Output:
	// [redacted] true
	// vk_0123456789ab user-42 true false
	// true false
}
