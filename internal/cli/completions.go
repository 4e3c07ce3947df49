package cli

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// completionsCommand prints a shell's completion script, as `sqlx
// completions <shell>` does. bash and zsh ask dbprep itself for the
// words that fit (urfave/cli's --generate-bash-completion), so they follow
// every command and flag of the installed version; fish gets the whole
// tree, generated.
func completionsCommand(s *session) *cli.Command {
	return &cli.Command{
		Name:      "completions",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: "bash:  source <(dbprep completions bash)   (or save it in /etc/bash_completion.d/dbprep)\n" +
			"zsh:   dbprep completions zsh > \"${fpath[1]}/_dbprep\"\n" +
			"fish:  dbprep completions fish > ~/.config/fish/completions/dbprep.fish",
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return &exitError{code: ExitUsage, err: fmt.Errorf("name one shell: bash, zsh or fish (see `dbprep completions --help`)")}
			}
			switch shell := c.Args().First(); shell {
			case "bash":
				s.printf("%s", bashCompletion)
			case "zsh":
				s.printf("%s", zshCompletion)
			case "fish":
				script, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				s.printf("%s", script)
			default:
				return &exitError{code: ExitUsage, err: fmt.Errorf("unknown shell %q: use bash, zsh or fish", shell)}
			}
			return nil
		},
	}
}

// bashCompletion asks dbprep for the words that may follow the command line
// typed so far; flags when the word being completed starts with '-'.
const bashCompletion = `# bash completion for dbprep: source <(dbprep completions bash)
_dbprep_complete() {
    local cur words
    cur="${COMP_WORDS[COMP_CWORD]}"
    if [[ "$cur" == -* ]]; then
        words=$("${COMP_WORDS[@]:0:COMP_CWORD}" "$cur" --generate-bash-completion 2>/dev/null)
    else
        words=$("${COMP_WORDS[@]:0:COMP_CWORD}" --generate-bash-completion 2>/dev/null)
    fi
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o bashdefault -o default -F _dbprep_complete dbprep
`

// zshCompletion does the same for zsh, with each word's description.
const zshCompletion = `#compdef dbprep
# zsh completion for dbprep: dbprep completions zsh > "${fpath[1]}/_dbprep"
_dbprep() {
    local -a opts
    local cur="${words[CURRENT]}"
    if [[ "$cur" == -* ]]; then
        opts=("${(@f)$(_CLI_ZSH_AUTOCOMPLETE_HACK=1 ${words[1,CURRENT-1]} "$cur" --generate-bash-completion 2>/dev/null)}")
    else
        opts=("${(@f)$(_CLI_ZSH_AUTOCOMPLETE_HACK=1 ${words[1,CURRENT-1]} --generate-bash-completion 2>/dev/null)}")
    fi
    if [[ -n "${opts[1]}" ]]; then
        _describe 'dbprep' opts
    else
        _files
    fi
}
if [[ "$funcstack[1]" == "_dbprep" ]]; then
    _dbprep "$@"
else
    compdef _dbprep dbprep
fi
`
