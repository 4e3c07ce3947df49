package cli_test

import (
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dbprep/dbprep/internal/testbin"
	"github.com/dbprep/dbprep/internal/testdb"
)

// The password property: for every command that takes a URL, against a
// real server with scram authentication (right password, wrong password)
// and against an unreachable host, with passwords drawn from every
// character a URL gives a meaning to, written percent-encoded or not, in
// the userinfo or in a password= parameter:
//   - no piece of the password of 3 or more characters (a 1–2 character
//     password: as a whole token) is printed, on stdout, stderr or in JSON;
//   - the output for a password P is the output for another password Q of
//     the same shape, so redaction changed nothing else.
//
// CI runs a few passwords (DBPREP_PASSWORD_RUNS=N runs N);
// FuzzPasswordProperty runs as many as it is given time for.
func TestPasswordProperty(t *testing.T) {
	runs := 6
	if testing.Short() {
		runs = 2
	}
	if n, err := strconv.Atoi(os.Getenv("DBPREP_PASSWORD_RUNS")); err == nil {
		runs = n
	}
	h := newPasswordHarness(t)
	rng := rand.New(rand.NewPCG(20, 1205))
	fixed := []passwordCase{
		{"s3@cret", formUserRaw}, {"p@ss9Q", formUserRaw}, {"Qz7Kx&Wv3Lm", formQueryRaw}, {"Qz7Kx#Wv3Lm", formQueryRaw},
		{"p", formUserRaw}, {`a@:/?#%&=+;'"\ é日b`, formUserEncoded}, {"Hj4Rt/Np8Ys", formUserRaw},
	}
	for i := 0; i < runs; i++ {
		c := randomPassword(rng)
		if i < len(fixed) {
			c = fixed[i] // "p" is testable too: no output has a token "p"
		}
		t.Run(fmt.Sprintf("%d-%s", i, c.form), func(t *testing.T) { h.check(t, c, i == 0) })
	}
}

// The same property on MySQL (MariaDB): sqlx reads no password=
// parameter there, so the password stands in the userinfo, encoded or
// as it is (the userinfo ends at the last '@').
func TestPasswordPropertyMySQL(t *testing.T) {
	h := newPasswordHarness(t)
	h.my = testdb.MySQL(t)
	h.my.Exec(t, "", "CREATE USER IF NOT EXISTS 'prop'@'%' IDENTIFIED BY 'x'", "GRANT ALL ON *.* TO 'prop'@'%'")
	rng := rand.New(rand.NewPCG(20, 1207))
	fixed := []passwordCase{{"s3@cret", formUserRaw}, {`a@:/?#%&=+;'"\ é日b`, formUserEncoded}, {"Hj4Rt/Np8Ys", formUserEncoded}}
	for i, c := range fixed {
		t.Run(fmt.Sprintf("%d-%s", i, c.form), func(t *testing.T) { h.check(t, c, i == 0) })
	}
	for i := 0; i < 2; i++ {
		c := randomPassword(rng)
		c.form %= formQueryEncoded
		t.Run(fmt.Sprintf("random%d-%s", i, c.form), func(t *testing.T) { h.check(t, c, false) })
	}
}

func FuzzPasswordProperty(f *testing.F) {
	f.Add("s3@cret", uint8(formUserRaw))
	f.Add("Qz7Kx&Wv3Lm", uint8(formQueryRaw))
	// One harness for every input, made on f: a subtest's temporary
	// directory goes when that subtest ends.
	h := newPasswordHarness(f)
	f.Fuzz(func(t *testing.T, pw string, form uint8) {
		if pw == "" || len(pw) > 40 || !utf8.ValidString(pw) || strings.ContainsFunc(pw, func(r rune) bool { return r < ' ' || r == 0x7f }) || !passwordTestable(pw) {
			return
		}
		h.check(t, passwordCase{pw, passwordForm(form % uint8(formCount))}, false)
	})
}

type passwordForm int

const (
	formUserEncoded  passwordForm = iota // postgres://prop:ENCODED@host/db
	formUserRaw                          // postgres://prop:AS-IS@host/db
	formQueryEncoded                     // postgres://host/db?user=prop&password=ENCODED
	formQueryRaw                         // postgres://host/db?user=prop&password=AS-IS
	formCount
)

func (f passwordForm) String() string {
	return [...]string{"user-encoded", "user-raw", "query-encoded", "query-raw"}[f]
}

type passwordCase struct {
	pw   string
	form passwordForm
}

func (c passwordCase) url(hostport, db string) string {
	switch c.form {
	case formUserEncoded:
		return "postgres://prop:" + encodeAll(c.pw) + "@" + hostport + "/" + db + "?sslmode=disable"
	case formUserRaw:
		return "postgres://prop:" + c.pw + "@" + hostport + "/" + db + "?sslmode=disable"
	case formQueryEncoded:
		return "postgres://" + hostport + "/" + db + "?sslmode=disable&user=prop&password=" + url.QueryEscape(c.pw)
	}
	return "postgres://" + hostport + "/" + db + "?sslmode=disable&user=prop&password=" + c.pw
}

// encodeAll percent-encodes every byte that is not a letter or digit.
func encodeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

const passwordSpecials = `@:/?#%&=+;'"\ `

// randomPassword draws 1 to 40 characters from URL delimiters, a space,
// non-ASCII letters, percent escapes and letters and digits, in a random
// form.
func randomPassword(rng *rand.Rand) passwordCase {
	for {
		n := 1 + rng.IntN(40)
		var b strings.Builder
		for b.Len() < n {
			switch rng.IntN(6) {
			case 0, 1:
				b.WriteByte(passwordSpecials[rng.IntN(len(passwordSpecials))])
			case 2:
				b.WriteString([]string{"é", "日", "ß", "%41", "%2F", "%40", "%zz"}[rng.IntN(7)])
			default:
				const alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
				b.WriteByte(alnum[rng.IntN(len(alnum))])
			}
		}
		if pw := b.String(); passwordTestable(pw) {
			return passwordCase{pw, passwordForm(rng.IntN(int(formCount)))}
		}
	}
}

// passwordTestable: the same-shape comparison tells a leak from
// coincidence only where the other password differs, so every window of
// 3 characters holds a letter or digit (which sameShape moves on).
func passwordTestable(pw string) bool {
	// A password that is also the text of the URL's other parts (the user
	// "prop", the host) is masked there too, and so cannot render the same
	// as another password; 1 and 2 character ones are kept where they
	// stand in those parts.
	if utf8.RuneCountInString(pw) >= 3 && strings.Contains("prop prop_db 127.0.0.1 sslmode=disable postgres", pw) {
		return false
	}
	r := []rune(pw)
	for i := 0; i+3 <= len(r); i++ {
		if !strings.ContainsFunc(string(r[i:i+3]), isAlnum) {
			return false
		}
	}
	// A 1 or 2 character password is masked as a whole token wherever it
	// stands, dbprep's own words included: one that is a word or a number
	// ("as", "1") would mask those and so cannot render as another does.
	// Short ones here hold a letter or digit and another character.
	return len(r) > 2 || strings.ContainsFunc(pw, isAlnum) && strings.ContainsFunc(pw, func(c rune) bool { return !isAlnum(c) })
}

func isAlnum(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }

// sameShape moves every ASCII letter and digit on within its class (hex
// digits within hex digits), keeping every other character and %XX escape.
func sameShape(pw string) string {
	b := []byte(pw)
	for i := 0; i < len(b); i++ {
		if b[i] == '%' && i+2 < len(b) && isHexDigit(b[i+1]) && isHexDigit(b[i+2]) {
			i += 2
			continue
		}
		for _, class := range []string{"0123456789", "abcdef", "ABCDEF", "ghijklmnopqrstuvwxyz", "GHIJKLMNOPQRSTUVWXYZ"} {
			if j := strings.IndexByte(class, b[i]); j >= 0 {
				b[i] = class[(j+1)%len(class)]
				break
			}
		}
	}
	return string(b)
}

func isHexDigit(c byte) bool { return strings.IndexByte("0123456789abcdefABCDEF", c) >= 0 }

type passwordHarness struct {
	srv *testdb.Server
	// my, when set, is the server: the URLs are mysql://.
	my  *testdb.MariaDB
	dir string
	env []string
}

// url is c's URL for the harness's engine.
func (h *passwordHarness) url(c passwordCase, hostport, db string) string {
	if h.my == nil {
		return c.url(hostport, db)
	}
	pw := c.pw
	if c.form == formUserEncoded {
		pw = encodeAll(c.pw)
	}
	return "mysql://prop:" + pw + "@" + hostport + "/" + db
}

// setPassword gives the test role (user) pw.
func (h *passwordHarness) setPassword(t testing.TB, pw string) {
	if h.my == nil {
		h.srv.Exec(t, "postgres", "ALTER ROLE prop PASSWORD '"+strings.ReplaceAll(pw, "'", "''")+"'")
		return
	}
	h.my.Exec(t, "", "ALTER USER 'prop'@'%' IDENTIFIED BY '"+strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(pw)+"'")
}

// dropDB drops the test database.
func (h *passwordHarness) dropDB(t testing.TB) {
	if h.my == nil {
		h.srv.Exec(t, "postgres", "DROP DATABASE IF EXISTS prop_db WITH (FORCE)")
		return
	}
	h.my.Exec(t, "", "DROP DATABASE IF EXISTS prop_db")
}

func newPasswordHarness(t testing.TB) *passwordHarness {
	srv := testdb.Postgres(t)
	srv.Exec(t, "postgres", "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'prop') THEN CREATE ROLE prop LOGIN CREATEDB; END IF; END$$")
	dir := testbin.Project(t, map[string]string{
		"migrations/1_users.up.sql":   "CREATE TABLE users (id INT PRIMARY KEY, name TEXT NOT NULL);\n",
		"migrations/1_users.down.sql": "DROP TABLE users;\n",
		"migrations/2_seed.sql":       "INSERT INTO users VALUES (1, 'ann');\n",
		"go.mod":                      "module prop\n\ngo 1.26\n",
		"main.go":                     "package main\n\nimport \"database/sql\"\n\nfunc q(db *sql.DB) { db.Query(\"SELECT name FROM users WHERE id = $1\", 1) }\n\nfunc main() {}\n",
	})
	return &passwordHarness{srv: srv, dir: dir, env: goEnv(t)}
}

var (
	durations  = regexp.MustCompile(`\d+(\.\d+)?(ns|µs|ms|s)\b`)
	timestamps = regexp.MustCompile(`\d{4}-\d\d-\d\d[T ][0-9:.]+(Z|[+-]\d\d(:?\d\d)?)?`)
	jsonTimes  = regexp.MustCompile(`"(execution_time|duration)[a-z_]*": ?\d+`)
)

// run runs every command with the password pw in the case's form and
// returns the outputs, labelled, with times made constant.
func (h *passwordHarness) run(t testing.TB, c passwordCase, vet bool) []string {
	hostport := h.srv.HostPort()
	if h.my != nil {
		hostport = fmt.Sprintf("%s:%d", h.my.Host, h.my.Port)
	}
	good := h.url(c, hostport, "prop_db")
	unreachable := h.url(c, "127.0.0.1:1", "prop_db")
	h.dropDB(t)
	h.setPassword(t, c.pw)
	type step struct {
		url  string
		args []string
	}
	steps := []step{
		{good, []string{"database", "create"}},
		{good, []string{"migrate", "run"}},
		{good, []string{"migrate", "info"}},
		{good, []string{"migrate", "info", "--format", "json"}},
		{good, []string{"migrate", "check"}},
		{good, []string{"migrate", "revert"}},
		{good, []string{"schema"}},
		{good, []string{"database", "reset", "-y"}},
		{good, []string{"database", "drop", "-y"}},
		{good, []string{"database", "setup"}},
		{good, []string{"prepare", "--out", "p.sqlite3", "--force"}},
		{good, []string{"migrate", "run", "--source", "nowhere"}},
		{good, []string{"migrate", "info", "-D", "not-a-url"}},
		// A second: the first refused attempt always leaves time to retry,
		// so "waiting for the server" is always printed (with 50 ms, a
		// busy machine's first attempt could use it all, and the line
		// would come and go between the two passwords' runs).
		{unreachable, []string{"migrate", "run", "--connect-timeout", "1s"}},
		{unreachable, []string{"database", "create", "--connect-timeout", "1s"}},
		{unreachable, []string{"schema", "--connect-timeout", "1s"}},
	}
	if vet {
		steps = append(steps, step{good, []string{"vet", "./..."}})
	}
	wrong := []step{
		{good, []string{"migrate", "info"}},
		{good, []string{"database", "drop", "-y"}},
		{good, []string{"migrate", "check", "--format", "json"}},
	}
	var out []string
	record := func(s step, r result, how string) {
		text := r.Stdout + "\x00" + r.Stderr
		text = jsonTimes.ReplaceAllString(timestamps.ReplaceAllString(durations.ReplaceAllString(text, "<d>"), "<t>"), `"$1": <n>`)
		out = append(out, fmt.Sprintf("%s dbprep %s (exit %d):\n%s", how, strings.Join(s.args, " "), r.Code, text))
	}
	for _, s := range steps {
		record(s, cmd{Dir: h.dir, Env: append(h.env, "DATABASE_URL="+s.url)}.Run(t, s.args...), "")
	}
	// The URL on the command line, and in .env.
	record(step{args: []string{"migrate", "info", "-D", "URL"}}, cmd{Dir: h.dir, Env: h.env}.Run(t, "migrate", "info", "-D", good), "")
	os.WriteFile(h.dir+"/.env", []byte("DATABASE_URL="+good+"\nDATABASE_URL: "+good+"\n"), 0o644)
	record(step{args: []string{"migrate", "info", "(.env)"}}, cmd{Dir: h.dir, Env: h.env}.Run(t, "migrate", "info"), "")
	os.Remove(h.dir + "/.env")
	h.setPassword(t, "not-the-one")
	for _, s := range wrong {
		record(s, cmd{Dir: h.dir, Env: append(h.env, "DATABASE_URL="+s.url)}.Run(t, s.args...), "wrong password:")
	}
	h.dropDB(t)
	return out
}

func (h *passwordHarness) check(t testing.TB, c passwordCase, vet bool) {
	q := passwordCase{sameShape(c.pw), c.form}
	outP, outQ := h.run(t, c, vet), h.run(t, q, vet)
	if os.Getenv("DBPREP_PASSWORD_LOG") != "" {
		t.Log(strings.Join(outP, "\n"))
	}
	for i := range outP {
		for _, piece := range pieces(c.pw) {
			if np, nq := countPiece(outP[i], piece), countPiece(outQ[i], piece); np > nq {
				t.Errorf("password %q (%s): %q is printed:\n%s", c.pw, c.form, piece, outP[i])
			}
		}
		if outP[i] != outQ[i] {
			t.Errorf("password %q (%s): the output differs from that of %q:\n%s\n----\n%s", c.pw, c.form, q.pw, outP[i], outQ[i])
		}
	}
}

// pieces are the password's substrings of 3 characters (the password
// itself when shorter), and its percent-encoded form.
func pieces(pw string) []string {
	r := []rune(pw)
	if len(r) < 3 {
		return []string{pw}
	}
	var out []string
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, string(r[i:i+3]))
	}
	return out
}

// countPiece counts the occurrences of piece in s; a piece of 1 or 2
// characters only where it stands as a whole token.
func countPiece(s, piece string) int {
	if utf8.RuneCountInString(piece) >= 3 {
		return strings.Count(s, piece)
	}
	n := 0
	for i := 0; ; {
		j := strings.Index(s[i:], piece)
		if j < 0 {
			return n
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(s[:j])
		after, _ := utf8.DecodeRuneInString(s[j+len(piece):])
		if !(j > 0 && isWordRune(before)) && !(j+len(piece) < len(s) && isWordRune(after)) {
			n++
		}
		i = j + 1
	}
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
