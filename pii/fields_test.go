package pii

import "testing"

func TestFieldFilter(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		in    string
		want  string
	}{
		{"top-level", []string{"question"}, `{"question":"why?","email":"a@example.com"}`, `{"question":"why?"}`},
		{"nested", []string{"customer.plan", "order.total"}, `{"customer":{"name":"Ana","plan":"pro"},"order":{"total":12.50,"card":"x"}}`, `{"customer":{"plan":"pro"},"order":{"total":12.50}}`},
		{"arrays", []string{"items.sku"}, `{"items":[{"sku":"A1","owner":"Bo"},{"sku":"B2"},{"owner":"Cy"}]}`, `{"items":[{"sku":"A1"},{"sku":"B2"}]}`},
		{"whole-object", []string{"meta"}, `{"meta":{"a":1,"b":[1,2]},"x":2}`, `{"meta":{"a":1,"b":[1,2]}}`},
		{"nothing-allowed", nil, `{"a":1}`, `{}`},
		{"top-array", []string{"id"}, `[{"id":1,"n":"x"},{"n":"y"}]`, `[{"id":1}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := NewFieldFilter(tt.paths...)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.Filter([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("Filter = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := NewFieldFilter("a..b"); err == nil {
		t.Error("NewFieldFilter(a..b) succeeded")
	}
	f, _ := NewFieldFilter("a")
	for _, bad := range []string{`{"a":`, `{"a":1} {"b":2}`, ``} {
		if _, err := f.Filter([]byte(bad)); err == nil {
			t.Errorf("Filter(bad #%d bytes) succeeded", len(bad))
		}
	}
}
