package vet

import "testing"

func TestQuestionMarks(t *testing.T) {
	for sql, want := range map[string]bool{
		"SELECT id FROM users WHERE id = ?":               true,
		"SELECT id FROM users WHERE id = $1":              false,
		"SELECT '?' FROM users -- why?":                   false,
		"SELECT id FROM docs WHERE data ? 'key'":          false,
		"SELECT id FROM docs WHERE data ?| array['a']":    false,
		"SELECT id FROM docs WHERE data ?& ARRAY['a']":    false,
		"SELECT id FROM docs WHERE data ? 'k' AND id = ?": true,
		`SELECT "a?" FROM t`:                              false,
	} {
		if got := questionMarks(sql); got != want {
			t.Errorf("questionMarks(%q) = %v, want %v", sql, got, want)
		}
	}
}

func TestToSnake(t *testing.T) {
	for in, want := range map[string]string{
		"RangeID": "range_id", "UserID": "user_id", "HTTPServer": "http_server", "ID": "id",
		"Name": "name", "createdAt": "created_at", "Address2Line": "address2_line", "APIKeyV2": "api_key_v2",
	} {
		if got := toSnake(in); got != want {
			t.Errorf("toSnake(%q) = %q, want %q", in, got, want)
		}
	}
}
