package keys_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/keys"
	"github.com/aigate-dev/aigate/internal/store/sqlite"
)

func ExampleGenerate() {
	key, err := keys.Generate()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(keys.Valid(key.Reveal()), len(key.Reveal()))
	fmt.Println(key) // a Secret prints redacted
	// Output:
	// true 50
	// [redacted]
}

func ExampleAuthenticator_Middleware() {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, ":memory:")
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	svc := &keys.Service{Store: db}
	secret, vk, err := svc.Create(ctx, keys.CreateOptions{Name: "web-app", Policy: "support-bot"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", vk.Name)

	auth := &keys.Authenticator{Store: db}
	h := auth.Middleware(gateway.HandlerFunc(func(ctx context.Context, req *gateway.Request) (*gateway.Response, error) {
		fmt.Println("serving", req.Principal.KeyName, "with policy", req.Principal.Policy)
		return &gateway.Response{Status: 200}, nil
	}))

	// secret would arrive as "Authorization: Bearer agk_…".
	if _, err := h.Serve(ctx, &gateway.Request{Credential: secret}); err != nil {
		log.Fatal(err)
	}
	_ = svc.Revoke(ctx, vk.ID, "leaked")
	_, err = h.Serve(ctx, &gateway.Request{Credential: secret})
	fmt.Println(gateway.ErrorCode(err), gateway.AsError(err).Message)
	// Output:
	// created web-app
	// serving web-app with policy support-bot
	// unauthenticated this aigate key was revoked; ask its owner for a new one
}
