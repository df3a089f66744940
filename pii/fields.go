package pii

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// FieldFilter keeps only named fields of JSON documents: structured context
// (a CRM record, tool arguments) is cut down to what the model needs before
// any of it leaves. Build it once with NewFieldFilter; it is immutable and
// safe for concurrent use.
type FieldFilter struct {
	root *fieldNode
}

type fieldNode struct {
	whole    bool // the path ends here: keep the value as is
	children map[string]*fieldNode
}

// NewFieldFilter returns a filter for dot-separated paths of object keys,
// such as "customer.name" or "items.sku". Arrays are walked through, so
// "items.sku" keeps the sku of every element of items. A path naming an
// object keeps it whole. An empty list keeps nothing.
func NewFieldFilter(paths ...string) (*FieldFilter, error) {
	root := &fieldNode{}
	for _, p := range paths {
		n := root
		for _, k := range strings.Split(p, ".") {
			if k == "" {
				return nil, fmt.Errorf("pii: field path %q has an empty key", p)
			}
			if n.children == nil {
				n.children = map[string]*fieldNode{}
			}
			if n.children[k] == nil {
				n.children[k] = &fieldNode{}
			}
			n = n.children[k]
		}
		n.whole = true
	}
	return &FieldFilter{root: root}, nil
}

// Filter returns doc with only the allowed fields. Numbers keep their
// spelling; object keys come out sorted (encoding/json order). Values that
// are not on an allowed path are dropped, including scalars at the top.
// An invalid document is an error that quotes no part of it.
func (f *FieldFilter) Filter(doc []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("pii: filter fields: invalid JSON at offset %d", dec.InputOffset())
	}
	if dec.More() {
		return nil, fmt.Errorf("pii: filter fields: trailing data at offset %d", dec.InputOffset())
	}
	out, ok := f.root.filter(v)
	if !ok {
		out = map[string]any{}
		if _, isArr := v.([]any); isArr {
			out = []any{}
		}
	}
	return json.Marshal(out)
}

func (n *fieldNode) filter(v any) (any, bool) {
	if n.whole {
		return v, true
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, c := range v {
			if cn := n.children[k]; cn != nil {
				if fv, ok := cn.filter(c); ok {
					out[k] = fv
				}
			}
		}
		return out, len(out) > 0
	case []any:
		out := []any{}
		for _, c := range v {
			if fv, ok := n.filter(c); ok {
				out = append(out, fv)
			}
		}
		return out, len(out) > 0
	}
	return nil, false
}
