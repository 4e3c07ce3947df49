package ledger

import (
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

// crc32IEEE agrees with hash/crc32 on the empty string, every byte value
// and random strings of every length up to 300.
func TestCRC32IEEE(t *testing.T) {
	cases := []string{""}
	for b := range 256 {
		cases = append(cases, string([]byte{byte(b)}))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(r.Uint32())
		}
		cases = append(cases, string(p))
	}
	for _, s := range cases {
		if got, want := crc32IEEE(s), crc32.ChecksumIEEE([]byte(s)); got != want {
			t.Fatalf("crc32IEEE(%q) = %#x, want %#x", s, got, want)
		}
	}
}
