package cli

import "github.com/urfave/cli/v2"

// optionKind is the type of a global option's value.
type optionKind int

const (
	stringOption optionKind = iota
	boolOption
	// secondsOption is a duration, in seconds as sqlx-cli takes it or as a
	// Go duration (500ms, 1m).
	secondsOption
)

// globalOption is one of the options accepted before the command and
// after it, as sqlx-cli's global options are: `dbprep -D URL migrate info`
// and `dbprep migrate info -D URL` mean the same. Where both are given,
// the one after the command wins.
type globalOption struct {
	Name  string
	Alias string
	// Env is the environment variable that sets it when the line does not.
	Env string
	// Default is how help shows the default ("" for none).
	Default string
	Kind    optionKind
	Usage   string
}

// globalOptions are the global options: adding one is one row here (and
// its use where the command reads it with globalString). Two are also
// taken wherever they stand on the line, after the arguments too, as
// sqlx-cli (clap) takes them: --no-dotenv (run) and --workspace
// (MainContext), which urfave/cli v2, stopping at the first argument,
// would not see there.
var globalOptions = []globalOption{
	{Name: "database-url", Alias: "D", Usage: "database URL (default: $DATABASE_URL, from the environment or .env)"},
	{Name: "source", Env: "DBPREP_SOURCE", Usage: "migrations directory (default: sqlx.toml's migrations-dir, else ./migrations; a dev shell may set DBPREP_SOURCE)"},
	{Name: "connect-timeout", Kind: secondsOption, Default: "10", Usage: "how long to retry a refused connection (PostgreSQL), in seconds as sqlx-cli takes it or as a duration (500ms, 1m)"},
	{Name: "config", Usage: "sqlx.toml to read (default: ./sqlx.toml when present; /dev/null for none)"},
	{Name: "sqlx-compat", Default: "0.9, or 0.8 where Cargo.lock locks sqlx 0.8 or 0.7", Usage: "follow sqlx `VERSION`'s rules: 0.9 (the stable release) or 0.8: -- no-transaction on SQLite, migrate add inference"},
	{Name: "no-dotenv", Kind: boolOption, Usage: "do not load .env"},
	{Name: "workspace", Kind: boolOption, Usage: "run the command in every member of the workspace below here, each with its own sqlx.toml, migrations and URL variable " +
		"(the root Cargo.toml's [workspace] members and every directory with a sqlx.toml or migrations/): database create|setup, migrate run|info|check|lint, prepare and schema (with --out-dir DIR)"},
}

// isGlobal says whether name (without dashes) is a global option's name or
// alias.
func isGlobal(name string) bool {
	for _, o := range globalOptions {
		if name == o.Name || name != "" && name == o.Alias {
			return true
		}
	}
	return false
}

// globalFlags are globalOptions as urfave/cli flags. grouped puts them in
// a help category of their own. Only a command line that may print help
// asks for it: urfave/cli renders every flag of every top-level command as
// help text at start-up when any flag has a category (a sixth of `dbprep
// --version`'s instructions).
func globalFlags(grouped bool) []cli.Flag {
	category := ""
	if grouped {
		category = "global (also before the command)"
	}
	flags := make([]cli.Flag, 0, len(globalOptions))
	for _, o := range globalOptions {
		var aliases, env []string
		if o.Alias != "" {
			aliases = []string{o.Alias}
		}
		if o.Env != "" {
			env = []string{o.Env}
		}
		switch o.Kind {
		case boolOption:
			flags = append(flags, &cli.BoolFlag{Name: o.Name, Aliases: aliases, EnvVars: env, Category: category, Usage: o.Usage})
		case secondsOption:
			flags = append(flags, &cli.GenericFlag{Name: o.Name, Aliases: aliases, EnvVars: env, Category: category, Usage: o.Usage,
				Value: &seconds{defaultConnectTimeout}, DefaultText: o.Default})
		default:
			flags = append(flags, &cli.StringFlag{Name: o.Name, Aliases: aliases, EnvVars: env, Category: category, Usage: o.Usage, DefaultText: o.Default})
		}
	}
	return flags
}
