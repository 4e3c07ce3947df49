package migrate

import "encoding/hex"

// HexSum is a checksum that renders as lowercase hex in JSON and text.
type HexSum []byte

func (h HexSum) String() string { return hex.EncodeToString(h) }

// MarshalText renders lowercase hex.
func (h HexSum) MarshalText() ([]byte, error) { return []byte(h.String()), nil }
