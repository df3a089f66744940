package pii

import (
	"log/slog"
	"strconv"
	"strings"
	"sync"
)

// Vault maps the placeholders of one request back to the original values.
// The zero Vault is empty and ready to use; it is safe for concurrent use.
// A Vault holds personal data: keep it in memory for the request only, and
// never log it (String and LogValue print only the entry count).
type Vault struct {
	mu      sync.Mutex   // protects the fields below
	entries []vaultEntry // in the order issued
	next    [typeCount]int
	maxLen  int // longest placeholder, in bytes
	// byValue and byPH index entries once there are more than
	// vaultScanMax of them; a request usually has a handful, which a scan
	// finds faster than a map and without allocating one.
	byValue map[vaultKey]int
	byPH    map[string]int
}

type vaultEntry struct {
	vaultKey
	ph string
}

type vaultKey struct {
	t Type
	v string
}

// vaultScanMax is the most entries looked up by scanning.
const vaultScanMax = 8

// pseudonym returns the placeholder for value, creating <TYPE_n> with the
// next n for its type the first time a value is seen.
func (v *Vault) pseudonym(t Type, value string) string {
	v.mu.Lock()
	defer v.mu.Unlock()
	k := vaultKey{t, value}
	if i, ok := v.find(k); ok {
		return v.entries[i].ph
	}
	n := &v.next[t.index()]
	*n++
	ph := "<" + string(t) + "_" + strconv.Itoa(*n) + ">"
	if v.entries == nil {
		v.entries = make([]vaultEntry, 0, 4)
	}
	v.entries = append(v.entries, vaultEntry{k, ph})
	v.maxLen = max(v.maxLen, len(ph))
	switch i := len(v.entries) - 1; {
	case v.byValue != nil:
		v.byValue[k], v.byPH[ph] = i, i
	case len(v.entries) > vaultScanMax:
		v.byValue = make(map[vaultKey]int, 2*len(v.entries))
		v.byPH = make(map[string]int, 2*len(v.entries))
		for i, e := range v.entries {
			v.byValue[e.vaultKey], v.byPH[e.ph] = i, i
		}
	}
	return ph
}

// find returns the index of the entry for k. v.mu is held.
func (v *Vault) find(k vaultKey) (int, bool) {
	if v.byValue != nil {
		i, ok := v.byValue[k]
		return i, ok
	}
	for i, e := range v.entries {
		if e.vaultKey == k {
			return i, true
		}
	}
	return 0, false
}

// lookup returns the value behind placeholder ph. v.mu is held.
func (v *Vault) lookup(ph string) (string, bool) {
	if v.byPH != nil {
		i, ok := v.byPH[ph]
		if !ok {
			return "", false
		}
		return v.entries[i].v, true
	}
	for _, e := range v.entries {
		if e.ph == ph {
			return e.v, true
		}
	}
	return "", false
}

// Lookup returns the original value for a placeholder such as "<EMAIL_1>".
func (v *Vault) Lookup(placeholder string) (string, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.lookup(placeholder)
}

// Len is the number of placeholders issued.
func (v *Vault) Len() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.entries)
}

// String prints the size only, so a Vault in a log line leaks nothing.
func (v *Vault) String() string { return "pii.Vault(" + strconv.Itoa(v.Len()) + " entries)" }

// LogValue logs the size only.
func (v *Vault) LogValue() slog.Value { return slog.IntValue(v.Len()) }

var (
	_ slog.LogValuer = (*Vault)(nil)
)

// Restore replaces every placeholder of v in text with its original value.
// Text that merely looks like a placeholder but was not issued stays as is.
func (v *Vault) Restore(text string) string {
	out, _ := v.restore(text, true)
	return out
}

// restore rewrites buf. Unless final, it stops at a trailing '<' that could
// still grow into a placeholder and returns that tail as held.
func (v *Vault) restore(buf string, final bool) (out, held string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.entries) == 0 {
		return buf, ""
	}
	i := 0
	var b strings.Builder
	for {
		j := strings.IndexByte(buf[i:], '<')
		if j < 0 {
			if i == 0 {
				return buf, ""
			}
			b.WriteString(buf[i:])
			return b.String(), ""
		}
		j += i
		b.WriteString(buf[i:j])
		win := buf[j:min(len(buf), j+v.maxLen)]
		if k := strings.IndexByte(win, '>'); k >= 0 {
			if val, ok := v.lookup(win[:k+1]); ok {
				b.WriteString(val)
				i = j + k + 1
				continue
			}
		} else if !final && len(buf)-j < v.maxLen && v.isPrefixLocked(buf[j:]) {
			return b.String(), buf[j:]
		}
		b.WriteByte('<')
		i = j + 1
	}
}

func (v *Vault) isPrefixLocked(s string) bool {
	for _, e := range v.entries {
		if strings.HasPrefix(e.ph, s) {
			return true
		}
	}
	return false
}

// NewRestorer returns a streaming Restorer over v.
func (v *Vault) NewRestorer() *Restorer { return &Restorer{v: v} }

// Restorer restores placeholders in text that arrives in chunks, such as
// the deltas of a streamed completion. A placeholder may be split across
// chunks at any byte: Restorer holds back only a trailing piece that could
// still become a placeholder (at most the longest placeholder's length) and
// emits everything else at once. The concatenation of every Next result and
// Close equals Vault.Restore of the concatenated input.
// A Restorer is not safe for concurrent use.
type Restorer struct {
	v    *Vault
	held string
}

// Next takes the next chunk and returns the text that can be emitted now
// (possibly empty).
func (r *Restorer) Next(chunk string) string {
	out, held := r.v.restore(r.held+chunk, false)
	r.held = held
	return out
}

// Close returns whatever was held back. Call it when the stream ends.
func (r *Restorer) Close() string {
	out, _ := r.v.restore(r.held, true)
	r.held = ""
	return out
}

// Pending is the number of bytes held back.
func (r *Restorer) Pending() int { return len(r.held) }
