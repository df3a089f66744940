package config

import (
	"strings"
	"testing"
)

func TestPolicyContextFields(t *testing.T) {
	f, err := Parse("t.yaml", []byte("policies:\n  ctx:\n    context_fields: [order.id, \"items.sku\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := f.Policies["ctx"].spec().ContextFields; len(got) != 2 || got[0] != "order.id" || got[1] != "items.sku" {
		t.Errorf("context_fields = %q", got)
	}

	f, err = Parse("t.yaml", []byte("policies:\n  ctx:\n    context_fields: [\"order..id\"]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Validate(); err == nil || !strings.Contains(err.Error(), "policies.ctx.context_fields:") {
		t.Errorf("Validate = %v, want an error naming policies.ctx.context_fields", err)
	}
}
