// Package features turns the word view of a normalised text into hashed
// feature indices, and reads and writes the weights file of the linear model
// that scores them. The detector and the training command share it.
package features

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
)

// Bits is log2 of the number of hashed feature buckets.
const Bits = 18

// Dim is the number of hashed feature buckets.
const Dim = 1 << Bits

const shift = 64 - Bits

// Extract appends the feature indices of words (a textnorm word view: words
// separated by single spaces, with a leading and trailing space) to dst:
// byte 4- and 5-grams, and word unigrams and bigrams. Repeated features
// appear repeatedly; the model counts them.
func Extract(dst []uint32, words []byte) []uint32 {
	s := appendSink{dst: &dst}
	walk(words, s)
	return dst
}

// sink receives feature indices. walk is instantiated per sink type, so
// the call is inlined rather than made through a func value.
type sink interface{ add(f uint32) }

type appendSink struct{ dst *[]uint32 }

func (s appendSink) add(f uint32) { *s.dst = append(*s.dst, f) }

func walk[S sink](words []byte, s S) {
	n := len(words)
	// Byte n-grams from an 8-byte little-endian window.
	var tail [8]byte
	for i := 0; i+4 <= n; i++ {
		var x uint64
		if i+8 <= n {
			x = binary.LittleEndian.Uint64(words[i:])
		} else {
			tail = [8]byte{}
			copy(tail[:], words[i:])
			x = binary.LittleEndian.Uint64(tail[:])
		}
		s.add(uint32(((x & 0xFFFFFFFF) | 4<<56) * 0x9E3779B97F4A7C15 >> shift))
		if i+5 <= n {
			s.add(uint32(((x & 0xFFFFFFFFFF) | 5<<56) * 0x9E3779B97F4A7C15 >> shift))
		}
	}
	// Words and word pairs.
	var prev uint64
	h := uint64(14695981039346656037)
	inWord := false
	for _, c := range words {
		if c == ' ' {
			if inWord {
				s.add(uint32((h ^ 0xA1) * 0xD6E8FEB86659FD93 >> shift))
				if prev != 0 {
					s.add(uint32((prev*31 + h ^ 0xB2) * 0xD6E8FEB86659FD93 >> shift))
				}
				prev = h
				h = 14695981039346656037
				inWord = false
			}
			continue
		}
		h = (h ^ uint64(c)) * 1099511628211
		inWord = true
	}
}

// fifthByte[b] is what the hash of a 5-gram adds to the hash of its first
// four bytes when its fifth byte is b: with g the four bytes, the 5-gram
// hash is (g | b<<32 | 5<<56) * m and the 4-gram hash (g | 4<<56) * m, the
// ORs are of disjoint bits, so sums, and multiplication modulo 2^64
// distributes over them: the difference is (b<<32 + 5<<56 - 4<<56) * m.
var fifthByte = func() (t [256]uint64) {
	const m = 0x9E3779B97F4A7C15
	for b := range uint64(256) {
		t[b] = (b<<32 + 5<<56 - 4<<56) * m
	}
	return t
}()

// LogitText returns the model's log-odds for a word view without
// materialising its features; it equals Logit(Extract(nil, words)). The
// loops repeat walk's by hand: this is the detector's hot path.
func (m *Model) LogitText(words []byte) float64 {
	if m.Weights == nil {
		return float64(m.Bias)
	}
	w := (*[Dim]int8)(m.Weights)
	var sum int64
	count := 0
	n := len(words)
	i := 0
	// Four positions per iteration from one eight-byte load: the 4- and
	// 5-grams at i+k are the low bytes of x>>8k, all within x while
	// i+8 <= n. Separate sums keep the loads of one position from waiting
	// for the adds of another. The 5-gram's hash is the 4-gram's plus a
	// term of its fifth byte alone (see fifthByte), which saves a
	// multiplication per position.
	var s1, s2, s3 int64
	for ; i+8 <= n; i += 4 {
		x := binary.LittleEndian.Uint64(words[i:])
		h0 := (x&0xFFFFFFFF | 4<<56) * 0x9E3779B97F4A7C15
		h1 := (x>>8&0xFFFFFFFF | 4<<56) * 0x9E3779B97F4A7C15
		h2 := (x>>16&0xFFFFFFFF | 4<<56) * 0x9E3779B97F4A7C15
		h3 := (x>>24&0xFFFFFFFF | 4<<56) * 0x9E3779B97F4A7C15
		sum += int64(w[h0>>shift]) + int64(w[(h0+fifthByte[uint8(x>>32)])>>shift])
		s1 += int64(w[h1>>shift]) + int64(w[(h1+fifthByte[uint8(x>>40)])>>shift])
		s2 += int64(w[h2>>shift]) + int64(w[(h2+fifthByte[uint8(x>>48)])>>shift])
		s3 += int64(w[h3>>shift]) + int64(w[(h3+fifthByte[uint8(x>>56)])>>shift])
	}
	count += 2 * i
	sum += s1 + s2 + s3
	var tail [8]byte
	for ; i+4 <= n; i++ {
		tail = [8]byte{}
		copy(tail[:], words[i:])
		x := binary.LittleEndian.Uint64(tail[:])
		{
			sum += int64(w[((x&0xFFFFFFFF)|4<<56)*0x9E3779B97F4A7C15>>shift])
			count++
		}
		if i+5 <= n {
			sum += int64(w[((x&0xFFFFFFFFFF)|5<<56)*0x9E3779B97F4A7C15>>shift])
			count++
		}
	}
	var prev uint64
	h := uint64(14695981039346656037)
	inWord := false
	for _, c := range words {
		if c == ' ' {
			if inWord {
				sum += int64(w[(h^0xA1)*0xD6E8FEB86659FD93>>shift])
				count++
				if prev != 0 {
					sum += int64(w[(prev*31+h^0xB2)*0xD6E8FEB86659FD93>>shift])
					count++
				}
				prev = h
				h = 14695981039346656037
				inWord = false
			}
			continue
		}
		h = (h ^ uint64(c)) * 1099511628211
		inWord = true
	}
	if count == 0 {
		return float64(m.Bias)
	}
	return float64(m.Bias) + float64(m.Scale)*float64(sum)/math.Sqrt(float64(count))
}

// Model is a logistic regression over hashed features. The zero Model
// scores every text 0.5.
type Model struct {
	Bias    float32
	Scale   float32 // weight = Scale * float32(W[i])
	Weights []int8  // len Dim, or nil
}

// Logit returns the model's log-odds for the feature indices fs. Feature
// values are counts divided by sqrt(len(fs)), so long texts are not pushed to
// the extremes by length alone.
func (m *Model) Logit(fs []uint32) float64 {
	if len(fs) == 0 || m.Weights == nil {
		return float64(m.Bias)
	}
	var sum int64
	w := m.Weights[:Dim]
	for _, f := range fs {
		sum += int64(w[f&(Dim-1)])
	}
	return float64(m.Bias) + float64(m.Scale)*float64(sum)/math.Sqrt(float64(len(fs)))
}

const magic = "aigate-injection-lr\x00"

// MarshalBinary encodes m: a magic string, Bits, bias, scale, then the
// weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	if len(m.Weights) != Dim {
		return nil, fmt.Errorf("features: model has %d weights, want %d", len(m.Weights), Dim)
	}
	b := make([]byte, 0, len(magic)+9+Dim)
	b = append(b, magic...)
	b = append(b, Bits)
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Bias))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Scale))
	for _, w := range m.Weights {
		b = append(b, byte(w))
	}
	return b, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote.
func (m *Model) UnmarshalBinary(b []byte) error {
	if len(b) < len(magic)+9 || string(b[:len(magic)]) != magic {
		return errors.New("features: not a model file")
	}
	b = b[len(magic):]
	if b[0] != Bits {
		return fmt.Errorf("features: model uses %d bits, want %d", b[0], Bits)
	}
	bias := math.Float32frombits(binary.LittleEndian.Uint32(b[1:]))
	scale := math.Float32frombits(binary.LittleEndian.Uint32(b[5:]))
	b = b[9:]
	if len(b) != Dim {
		return fmt.Errorf("features: model has %d weights, want %d", len(b), Dim)
	}
	w := make([]int8, Dim)
	for i, c := range b {
		w[i] = int8(c)
	}
	*m = Model{Bias: bias, Scale: scale, Weights: w}
	return nil
}

// HeldOut reports whether the row with this id belongs to the held-out
// fifth of the data: FNV-1a 64 of the id, modulo 5, is 0. The training
// command never trains on held-out rows.
func HeldOut(id string) bool { return Fold(id) == 0 }

// Fold returns FNV-1a 64 of the id modulo 5.
func Fold(id string) int {
	h := fnv.New64a()
	h.Write([]byte(id))
	return int(h.Sum64() % 5)
}
