package guard

import (
	"encoding/json"
	"strings"

	"github.com/aigate-dev/aigate/internal/gateway"
	"github.com/aigate-dev/aigate/internal/jsonscan"
	"github.com/aigate-dev/aigate/pii"
)

// The field allow-list (a policy's context_fields) cuts structured context
// down to the fields the model needs before any other guard reads it and
// before it leaves: user and tool texts that are JSON documents, and the
// tool-call arguments and tool results of the history (Request.Structured).
// It keeps what pii.FieldFilter keeps, but by deleting the members and
// elements it drops from the JSON as written rather than re-encoding it:
// what is kept stays byte for byte (key order, number spelling, escapes),
// and in an object the history holds value by value the texts that are
// kept stay where the decoder found them, for the guards that follow.

// fieldTree is a compiled allow-list: a node per key of the paths.
type fieldTree struct {
	whole    bool // a path ends here: keep the value as it is
	children map[string]*fieldTree
}

// newFieldTree compiles dot-separated paths of object keys ("order.id");
// arrays are walked through. pii.NewFieldFilter checks them.
func newFieldTree(paths []string) (*fieldTree, error) {
	if _, err := pii.NewFieldFilter(paths...); err != nil {
		return nil, err
	}
	root := &fieldTree{}
	for _, p := range paths {
		n := root
		for _, k := range strings.Split(p, ".") {
			if n.children == nil {
				n.children = map[string]*fieldTree{}
			}
			if n.children[k] == nil {
				n.children[k] = &fieldTree{}
			}
			n = n.children[k]
		}
		n.whole = true
	}
	return root, nil
}

// cutDoc appends the edits that cut the JSON object or array v, found at
// off, down to the allowed fields; an object or array nothing of which is
// allowed becomes empty ({} or []). It returns edits unchanged when
// everything is kept.
func (n *fieldTree) cutDoc(v []byte, off int, edits []gateway.Edit) []gateway.Edit {
	out, keep := n.cut(v, off, edits)
	if keep {
		return out
	}
	if strings.TrimSpace(string(v[1:len(v)-1])) == "" {
		return edits // empty already
	}
	return append(edits[:len(edits):len(edits)], gateway.Edit{Start: off + 1, End: off + len(v) - 1})
}

// cut appends the edits that cut the JSON value v at off down to what n
// allows, and reports whether anything of it is kept (when not, the
// returned edits are to be discarded: the caller drops v whole).
func (n *fieldTree) cut(v []byte, off int, edits []gateway.Edit) ([]gateway.Edit, bool) {
	if n.whole {
		return edits, true
	}
	type item struct{ start, end int } // a kept member or element, in v
	var (
		kept    []item
		dropped bool
	)
	switch jsonscan.Kind(v) {
	case '{':
		_ = jsonscan.Object(v, func(k string, m []byte, moff int) bool {
			c := n.children[k]
			start, ok := memberStart(v, moff)
			if c == nil || !ok {
				dropped = true
				return true
			}
			var keep bool
			sub := len(edits)
			if edits, keep = c.cut(m, off+moff, edits); !keep {
				edits = edits[:sub]
				dropped = true
				return true
			}
			kept = append(kept, item{start, moff + len(m)})
			return true
		})
	case '[':
		_ = jsonscan.Array(v, func(_ int, e []byte, eoff int) bool {
			var keep bool
			sub := len(edits)
			if edits, keep = n.cut(e, off+eoff, edits); !keep {
				edits = edits[:sub]
				dropped = true
				return true
			}
			kept = append(kept, item{eoff, eoff + len(e)})
			return true
		})
	default:
		return edits, false // a scalar on no allowed path
	}
	if len(kept) == 0 {
		return edits, false
	}
	if !dropped {
		return edits, true
	}
	// Rewrite the gaps around the kept items: whatever lies between two of
	// them becomes one comma, before the first and after the last nothing.
	// Gaps hold only separators and dropped items.
	at := 1 // just past the opening bracket
	for i, it := range kept {
		sep := ","
		if i == 0 {
			sep = ""
		}
		if gap := v[at:it.start]; strings.TrimSpace(string(gap)) != sep {
			edits = append(edits, gateway.Edit{Start: off + at, End: off + it.start, Insert: []byte(sep)})
		}
		at = it.end
	}
	if at < len(v)-1 && strings.TrimSpace(string(v[at:len(v)-1])) != "" {
		edits = append(edits, gateway.Edit{Start: off + at, End: off + len(v) - 1})
	}
	return edits, true
}

// memberStart returns the offset in the object v of the opening quote of
// the key of the member whose value starts at voff.
func memberStart(v []byte, voff int) (int, bool) {
	i := voff - 1
	for i >= 0 && isSpace(v[i]) {
		i--
	}
	if i < 0 || v[i] != ':' {
		return 0, false
	}
	for i--; i >= 0 && isSpace(v[i]); i-- {
	}
	if i < 1 || v[i] != '"' {
		return 0, false
	}
	// The opening quote is the first one before that is not escaped: one
	// after an even run of backslashes.
	for i--; i >= 0; i-- {
		if v[i] != '"' {
			continue
		}
		n := 0
		for j := i - 1; j >= 0 && v[j] == '\\'; j-- {
			n++
		}
		if n%2 == 0 {
			return i, true
		}
	}
	return 0, false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// isJSONDoc reports whether s is a JSON object or array as a whole.
func isJSONDoc(s string) bool {
	t := strings.TrimLeft(s, " \t\r\n")
	return t != "" && (t[0] == '{' || t[0] == '[') && json.Valid([]byte(t))
}

// filterFields applies the allow-list to req and returns how many texts
// and objects it cut.
func (n *fieldTree) filterFields(req *gateway.Request) int {
	count := 0
	var objects []gateway.Span // Structured objects (not texts)
	inObject := func(t *gateway.Text) bool {
		for _, o := range objects {
			if o.Within(t) {
				return true
			}
		}
		return false
	}
	args := map[int]bool{} // start of each Text that is tool-call arguments
	for _, s := range req.Structured {
		if req.Raw[s.Start] == '"' {
			args[s.Start] = true
		} else {
			objects = append(objects, s)
		}
	}
	// Texts that are JSON documents: user and tool text, and tool-call
	// arguments written as JSON text.
	for _, m := range req.Messages {
		for _, t := range m.Parts {
			if m.Role != gateway.RoleUser && m.Role != gateway.RoleTool && !args[t.Start] {
				continue
			}
			if inObject(t) || !isJSONDoc(t.Value) {
				continue
			}
			doc := []byte(t.Value)
			start := len(doc) - len(strings.TrimLeft(t.Value, " \t\r\n"))
			end := len(strings.TrimRight(t.Value, " \t\r\n"))
			if edits := n.cutDoc(doc[start:end], start, nil); len(edits) > 0 {
				t.Set(string(gateway.Splice(doc, edits)))
				count++
			}
		}
	}
	// Objects the history holds value by value: cut in the body, and the
	// texts of what was cut dropped.
	var cuts []gateway.Edit
	for _, o := range objects {
		edits := n.cutDoc(req.Raw[o.Start:o.End], o.Start, nil)
		if len(edits) == 0 {
			continue
		}
		count++
		for _, e := range edits {
			req.Insert(e)
		}
		cuts = append(cuts, edits...)
	}
	if len(cuts) > 0 {
		for i := range req.Messages {
			m := &req.Messages[i]
			parts := make([]*gateway.Text, 0, len(m.Parts))
			for _, t := range m.Parts {
				cut := false
				for _, e := range cuts {
					if (gateway.Span{Start: e.Start, End: e.End}).Within(t) {
						cut = true
						break
					}
				}
				if !cut {
					parts = append(parts, t)
				}
			}
			m.Parts = parts
		}
	}
	return count
}
