package pii

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Generators for checksum-valid identifiers. Test data is made at test time
// so that no real-looking identifier is committed.

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}

// genCard returns a Luhn-valid number of length n starting with prefix.
func genCard(r *rand.Rand, prefix string, n int) string {
	body := prefix + digits(r, n-len(prefix)-1)
	for d := byte('0'); d <= '9'; d++ {
		if c := body + string(d); luhn([]byte(c)) {
			return c
		}
	}
	panic("unreachable")
}

// genIBAN returns a valid IBAN for country with a random BBAN: four letters
// then digits for GB/IE/NL, digits otherwise.
func genIBAN(r *rand.Rand, country string) string {
	n := ibanLengths[country] - 4
	bban := digits(r, n)
	if country == "GB" || country == "IE" || country == "NL" {
		bban = "WEST" + bban[4:]
	}
	for cd := 2; cd <= 98; cd++ {
		s := fmt.Sprintf("%s%02d%s", country, cd, bban)
		if ibanMod97([]byte(s)) {
			return s
		}
	}
	panic("unreachable")
}

func genSSN(r *rand.Rand) string {
	area := 1 + r.IntN(899)
	if area == 666 {
		area = 665
	}
	return fmt.Sprintf("%03d-%02d-%04d", area, 1+r.IntN(99), 1+r.IntN(9999))
}

func genNRIC(r *rand.Rand, prefix byte) string {
	body := string(prefix) + digits(r, 7)
	for c := byte('A'); c <= 'Z'; c++ {
		if s := body + string(c); nricOK(s) {
			return s
		}
	}
	panic("unreachable")
}

func genCheck(body string, ok func([]byte) bool) string {
	for d := byte('0'); d <= '9'; d++ {
		if s := body + string(d); ok([]byte(s)) {
			return s
		}
	}
	return ""
}

func genThai(r *rand.Rand) string {
	for {
		if s := genCheck(strconv.Itoa(1+r.IntN(8))+digits(r, 11), thaiIDOK); s != "" {
			return s
		}
	}
}

func genAadhaar(r *rand.Rand) string {
	for {
		if s := genCheck(strconv.Itoa(2+r.IntN(8))+digits(r, 10), aadhaarOK); s != "" {
			return s
		}
	}
}

func genCPF(r *rand.Rand) string {
	for {
		b := digits(r, 9)
		for x := 0; x < 100; x++ {
			if s := fmt.Sprintf("%s%02d", b, x); cpfOK([]byte(s)) {
				return s
			}
		}
	}
}

// breakCheck changes the last digit so that a checksum fails.
func breakCheck(s string, ok func([]byte) bool) string {
	i := strings.LastIndexFunc(s, func(c rune) bool { return c >= '0' && c <= '9' })
	for d := byte('0'); d <= '9'; d++ {
		t := s[:i] + string(d) + s[i+1:]
		digitsOnly := strings.Map(func(c rune) rune {
			if c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
				return c
			}
			return -1
		}, t)
		if t != s && !ok([]byte(digitsOnly)) {
			return t
		}
	}
	panic("cannot break checksum")
}

func group(s string, sep string, sizes ...int) string {
	var parts []string
	for _, n := range sizes {
		parts = append(parts, s[:n])
		s = s[n:]
	}
	return strings.Join(parts, sep)
}
