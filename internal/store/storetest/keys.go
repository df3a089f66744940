package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/aigate-dev/aigate/internal/keys"
)

// base is a time with microseconds, the precision every store keeps.
var base = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)

// RunKeys checks that the stores open returns honour the [keys.Store]
// contract. open is called once per subtest and must return an empty store;
// it registers its own cleanup with t.
func RunKeys(t *testing.T, open func(t *testing.T) keys.Store) {
	t.Helper()
	tests := []struct {
		name string
		f    func(t *testing.T, s keys.Store)
	}{
		{"create-and-lookup", testCreateAndLookup},
		{"zero-values-stay-zero", testZeroValues},
		{"not-found", testNotFound},
		{"duplicate-id", testDuplicateID},
		{"duplicate-hash", testDuplicateHash},
		{"list-empty", testListEmpty},
		{"list-order", testListOrder},
		{"returned-keys-are-copies", testCopies},
		{"revoke", testRevoke},
		{"mark-exposed", testMarkExposed},
		{"set-expiry", testSetExpiry},
		{"rotate", testRotate},
		{"rotate-unknown-key", testRotateUnknown},
		{"rotate-revoked-key", testRotateRevoked},
		{"rotate-twice", testRotateTwice},
		{"rotate-duplicate-next", testRotateDuplicateNext},
		{"concurrent-creates", testConcurrentCreates},
		{"concurrent-duplicate-creates", testConcurrentDuplicateCreates},
		{"concurrent-rotations", testConcurrentRotations},
		{"canceled-context", testCanceledContext},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f(t, open(t))
		})
	}
}

// newKey returns a key with every field set and a fresh ID and hash.
func newKey(t *testing.T, name string) *keys.VirtualKey {
	t.Helper()
	id, err := keys.NewID()
	if err != nil {
		t.Fatal(err)
	}
	secret, err := keys.Generate()
	if err != nil {
		t.Fatal(err)
	}
	return &keys.VirtualKey{
		ID:        id,
		Name:      name,
		Owner:     "alice",
		Team:      "support",
		Policy:    "support-bot",
		Hash:      keys.Hash(secret),
		Created:   base,
		Expires:   base.Add(30 * 24 * time.Hour),
		Models:    []string{"gpt-4o-mini", "claude-haiku-*"},
		Providers: []string{"openai", "anthropic"},
		Metadata:  map[string]string{"app": "web", "ticket": "OPS-1"},

		CORSOrigins: []string{"https://app.example", "http://localhost:5173"},
	}
}

func mustCreate(t *testing.T, s keys.Store, vk *keys.VirtualKey) {
	t.Helper()
	if err := s.Create(t.Context(), vk); err != nil {
		t.Fatalf("Create(%s) = %v", vk.ID, err)
	}
}

func mustByID(t *testing.T, s keys.Store, id string) *keys.VirtualKey {
	t.Helper()
	vk, err := s.ByID(t.Context(), id)
	if err != nil {
		t.Fatalf("ByID(%s) = %v", id, err)
	}
	return vk
}

// equal compares keys, times by instant and nil like empty.
var equal = cmpopts.EquateEmpty()

func diff(want, got *keys.VirtualKey) string { return cmp.Diff(want, got, equal) }

func testCreateAndLookup(t *testing.T, s keys.Store) {
	want := newKey(t, "web-app")
	want.Exposed = base.Add(time.Minute)
	want.ExposedReason = "pasted in chat"
	mustCreate(t, s, want)

	if d := diff(want, mustByID(t, s, want.ID)); d != "" {
		t.Errorf("ByID mismatch (-want +got):\n%s", d)
	}
	got, err := s.ByHash(t.Context(), want.Hash)
	if err != nil {
		t.Fatalf("ByHash = %v", err)
	}
	if d := diff(want, got); d != "" {
		t.Errorf("ByHash mismatch (-want +got):\n%s", d)
	}
}

func testZeroValues(t *testing.T, s keys.Store) {
	want := &keys.VirtualKey{ID: "vk_000000000000", Name: "bare", Hash: [32]byte{1}, Created: base}
	mustCreate(t, s, want)
	got := mustByID(t, s, want.ID)
	if d := diff(want, got); d != "" {
		t.Errorf("ByID mismatch (-want +got):\n%s", d)
	}
	for name, tm := range map[string]time.Time{"Expires": got.Expires, "Revoked": got.Revoked, "Exposed": got.Exposed} {
		if !tm.IsZero() {
			t.Errorf("%s = %v, want zero", name, tm)
		}
	}
}

func testNotFound(t *testing.T, s keys.Store) {
	ctx := t.Context()
	mustCreate(t, s, newKey(t, "other"))
	if _, err := s.ByID(ctx, "vk_nosuchkey00"); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("ByID(unknown) = %v, want ErrNotFound", err)
	}
	if _, err := s.ByHash(ctx, [32]byte{0xff}); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("ByHash(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.Revoke(ctx, "vk_nosuchkey00", "x", base); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("Revoke(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.MarkExposed(ctx, "vk_nosuchkey00", "x", base); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("MarkExposed(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.SetExpiry(ctx, "vk_nosuchkey00", base); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("SetExpiry(unknown) = %v, want ErrNotFound", err)
	}
}

func testDuplicateID(t *testing.T, s keys.Store) {
	first := newKey(t, "first")
	mustCreate(t, s, first)
	dup := newKey(t, "second")
	dup.ID = first.ID
	if err := s.Create(t.Context(), dup); !errors.Is(err, keys.ErrConflict) {
		t.Errorf("Create(duplicate id) = %v, want ErrConflict", err)
	}
	if d := diff(first, mustByID(t, s, first.ID)); d != "" {
		t.Errorf("first key changed (-want +got):\n%s", d)
	}
}

func testDuplicateHash(t *testing.T, s keys.Store) {
	first := newKey(t, "first")
	mustCreate(t, s, first)
	dup := newKey(t, "second")
	dup.Hash = first.Hash
	if err := s.Create(t.Context(), dup); !errors.Is(err, keys.ErrConflict) {
		t.Errorf("Create(duplicate hash) = %v, want ErrConflict", err)
	}
	if _, err := s.ByID(t.Context(), dup.ID); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("ByID(refused key) = %v, want ErrNotFound", err)
	}
}

func testListEmpty(t *testing.T, s keys.Store) {
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	if len(list) != 0 {
		t.Errorf("List returned %d keys, want 0", len(list))
	}
}

func testListOrder(t *testing.T, s keys.Store) {
	a, b, c := newKey(t, "a"), newKey(t, "b"), newKey(t, "c")
	a.Created, b.Created, c.Created = base.Add(2*time.Hour), base, base.Add(time.Hour)
	for _, vk := range []*keys.VirtualKey{a, b, c} {
		mustCreate(t, s, vk)
	}
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	if d := cmp.Diff([]*keys.VirtualKey{b, c, a}, list, equal); d != "" {
		t.Errorf("List mismatch (-want +got):\n%s", d)
	}
}

func testCopies(t *testing.T, s keys.Store) {
	vk := newKey(t, "copies")
	want := vk.Clone()
	mustCreate(t, s, vk)
	vk.Models[0] = "changed after create"
	vk.Metadata["app"] = "changed after create"

	got := mustByID(t, s, vk.ID)
	got.Models[0] = "changed after read"
	got.Metadata["app"] = "changed after read"
	if d := diff(want, mustByID(t, s, vk.ID)); d != "" {
		t.Errorf("stored key changed through a pointer (-want +got):\n%s", d)
	}
}

func testRevoke(t *testing.T, s keys.Store) {
	ctx := t.Context()
	vk := newKey(t, "revoked")
	mustCreate(t, s, vk)
	at := base.Add(time.Hour)
	if err := s.Revoke(ctx, vk.ID, "leaked", at); err != nil {
		t.Fatalf("Revoke = %v", err)
	}
	if err := s.Revoke(ctx, vk.ID, "again", at.Add(time.Hour)); err != nil {
		t.Fatalf("Revoke(again) = %v", err)
	}
	vk.Revoked, vk.RevokeReason = at, "leaked"
	if d := diff(vk, mustByID(t, s, vk.ID)); d != "" {
		t.Errorf("after Revoke (-want +got):\n%s", d)
	}
	got, err := s.ByHash(ctx, vk.Hash)
	if err != nil {
		t.Fatalf("ByHash(revoked) = %v; revoked keys must still be found", err)
	}
	if !got.Revoked.Equal(at) {
		t.Errorf("ByHash(revoked).Revoked = %v, want %v", got.Revoked, at)
	}
}

func testMarkExposed(t *testing.T, s keys.Store) {
	ctx := t.Context()
	vk := newKey(t, "exposed")
	mustCreate(t, s, vk)
	at := base.Add(time.Hour)
	if err := s.MarkExposed(ctx, vk.ID, keys.ExposedInURL, at); err != nil {
		t.Fatalf("MarkExposed = %v", err)
	}
	if err := s.MarkExposed(ctx, vk.ID, "later", at.Add(time.Hour)); err != nil {
		t.Fatalf("MarkExposed(again) = %v", err)
	}
	vk.Exposed, vk.ExposedReason = at, keys.ExposedInURL
	if d := diff(vk, mustByID(t, s, vk.ID)); d != "" {
		t.Errorf("after MarkExposed (-want +got):\n%s", d)
	}
}

func testSetExpiry(t *testing.T, s keys.Store) {
	ctx := t.Context()
	vk := newKey(t, "expiring")
	mustCreate(t, s, vk)
	at := base.Add(48 * time.Hour)
	if err := s.SetExpiry(ctx, vk.ID, at); err != nil {
		t.Fatalf("SetExpiry = %v", err)
	}
	if got := mustByID(t, s, vk.ID).Expires; !got.Equal(at) {
		t.Errorf("Expires = %v, want %v", got, at)
	}
	if err := s.SetExpiry(ctx, vk.ID, time.Time{}); err != nil {
		t.Fatalf("SetExpiry(zero) = %v", err)
	}
	if got := mustByID(t, s, vk.ID).Expires; !got.IsZero() {
		t.Errorf("Expires = %v, want zero (never)", got)
	}
}

func testRotate(t *testing.T, s keys.Store) {
	ctx := t.Context()
	old := newKey(t, "web-app")
	mustCreate(t, s, old)
	next := newKey(t, "web-app")
	next.Created = base.Add(time.Hour)
	oldExpires := base.Add(25 * time.Hour)
	if err := s.Rotate(ctx, old.ID, next, oldExpires); err != nil {
		t.Fatalf("Rotate = %v", err)
	}
	old.Expires, old.RotatedTo = oldExpires, next.ID
	if d := diff(old, mustByID(t, s, old.ID)); d != "" {
		t.Errorf("old key after Rotate (-want +got):\n%s", d)
	}
	got, err := s.ByHash(ctx, next.Hash)
	if err != nil {
		t.Fatalf("ByHash(next) = %v", err)
	}
	if d := diff(next, got); d != "" {
		t.Errorf("next key after Rotate (-want +got):\n%s", d)
	}
}

// mustUnchanged checks that a failed rotation left old as it was and did
// not create next.
func mustUnchanged(t *testing.T, s keys.Store, old, next *keys.VirtualKey) {
	t.Helper()
	if old != nil {
		if d := diff(old, mustByID(t, s, old.ID)); d != "" {
			t.Errorf("old key changed by a failed Rotate (-want +got):\n%s", d)
		}
	}
	if _, err := s.ByID(t.Context(), next.ID); !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("ByID(next) after a failed Rotate = %v, want ErrNotFound", err)
	}
}

func testRotateUnknown(t *testing.T, s keys.Store) {
	next := newKey(t, "next")
	err := s.Rotate(t.Context(), "vk_nosuchkey00", next, base)
	if !errors.Is(err, keys.ErrNotFound) {
		t.Errorf("Rotate(unknown) = %v, want ErrNotFound", err)
	}
	mustUnchanged(t, s, nil, next)
}

func testRotateRevoked(t *testing.T, s keys.Store) {
	old := newKey(t, "old")
	old.Revoked, old.RevokeReason = base, "leaked"
	mustCreate(t, s, old)
	next := newKey(t, "next")
	if err := s.Rotate(t.Context(), old.ID, next, base.Add(time.Hour)); !errors.Is(err, keys.ErrConflict) {
		t.Errorf("Rotate(revoked) = %v, want ErrConflict", err)
	}
	mustUnchanged(t, s, old, next)
}

func testRotateTwice(t *testing.T, s keys.Store) {
	ctx := t.Context()
	old := newKey(t, "old")
	mustCreate(t, s, old)
	first := newKey(t, "first")
	if err := s.Rotate(ctx, old.ID, first, base.Add(time.Hour)); err != nil {
		t.Fatalf("Rotate = %v", err)
	}
	old = mustByID(t, s, old.ID)
	second := newKey(t, "second")
	if err := s.Rotate(ctx, old.ID, second, base.Add(2*time.Hour)); !errors.Is(err, keys.ErrConflict) {
		t.Errorf("Rotate(rotated) = %v, want ErrConflict", err)
	}
	mustUnchanged(t, s, old, second)
}

func testRotateDuplicateNext(t *testing.T, s keys.Store) {
	old := newKey(t, "old")
	mustCreate(t, s, old)
	next := newKey(t, "next")
	next.Hash = old.Hash
	if err := s.Rotate(t.Context(), old.ID, next, base.Add(time.Hour)); !errors.Is(err, keys.ErrConflict) {
		t.Errorf("Rotate(next with a taken hash) = %v, want ErrConflict", err)
	}
	mustUnchanged(t, s, old, next)
}

// concurrently runs f n times at once and returns the errors.
func concurrently(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = f(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// mustOneWinner checks that exactly one error is nil and all others wrap
// keys.ErrConflict.
func mustOneWinner(t *testing.T, op string, errs []error) {
	t.Helper()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, keys.ErrConflict):
			t.Errorf("%s = %v, want nil or ErrConflict", op, err)
		}
	}
	if ok != 1 {
		t.Errorf("%d concurrent %s calls succeeded, want exactly 1", ok, op)
	}
}

func testConcurrentCreates(t *testing.T, s keys.Store) {
	const n = 16
	vks := make([]*keys.VirtualKey, n)
	for i := range vks {
		vks[i] = newKey(t, fmt.Sprint("key-", i))
	}
	for i, err := range concurrently(n, func(i int) error { return s.Create(t.Context(), vks[i]) }) {
		if err != nil {
			t.Errorf("Create(%s) = %v", vks[i].ID, err)
		}
	}
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	if len(list) != n {
		t.Errorf("List returned %d keys, want %d", len(list), n)
	}
}

func testConcurrentDuplicateCreates(t *testing.T, s keys.Store) {
	const n = 8
	vks := make([]*keys.VirtualKey, n)
	for i := range vks {
		vks[i] = newKey(t, fmt.Sprint("key-", i))
		vks[i].ID = "vk_samesamesame"
	}
	mustOneWinner(t, "Create", concurrently(n, func(i int) error { return s.Create(t.Context(), vks[i]) }))
}

func testConcurrentRotations(t *testing.T, s keys.Store) {
	const n = 8
	old := newKey(t, "old")
	mustCreate(t, s, old)
	nexts := make([]*keys.VirtualKey, n)
	for i := range nexts {
		nexts[i] = newKey(t, fmt.Sprint("next-", i))
	}
	errs := concurrently(n, func(i int) error {
		return s.Rotate(t.Context(), old.ID, nexts[i], base.Add(time.Hour))
	})
	mustOneWinner(t, "Rotate", errs)
	list, err := s.List(t.Context())
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	if len(list) != 2 {
		t.Errorf("List returned %d keys after racing rotations, want 2", len(list))
	}
	rotatedTo := mustByID(t, s, old.ID).RotatedTo
	for i, err := range errs {
		if err == nil && rotatedTo != nexts[i].ID {
			t.Errorf("RotatedTo = %s, want the winner %s", rotatedTo, nexts[i].ID)
		}
	}
}

func testCanceledContext(t *testing.T, s keys.Store) {
	vk := newKey(t, "ctx")
	mustCreate(t, s, vk)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := s.ByHash(ctx, vk.Hash)
	if err == nil || errors.Is(err, keys.ErrNotFound) {
		t.Errorf("ByHash(canceled context) = %v, want an error other than ErrNotFound", err)
	}
}
