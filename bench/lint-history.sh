#!/usr/bin/env bash
# Lints a repository's real history: for every commit that touched a
# migrations directory (any directory named *migrations holding *.sql), each
# such directory as it is at that commit is linted against the commit's
# first parent, `dbprep migrate lint --base PARENT --format json`, in a
# worktree of the commit (the repository's own git, as CI would run it).
# Prints a line per finding of the history rules (edited, removed, renamed,
# out-of-order) and the effect rules (applied on a throwaway SQLite file, or
# for PostgreSQL's migrations, on DBPREP_SCRATCH_URL's server), the directories whose effect
# rules could not run, and, last, the counts.
#   bench/lint-history.sh /path/to/a/clone [DBPREP]
#   DBPREP_SCRATCH_URL=postgres://postgres@127.0.0.1:5432/postgres bench/lint-history.sh /path/to/a/clone
set -euo pipefail
repo=$(cd "$1" && git rev-parse --absolute-git-dir)
dbprep=${2:-}
if [ -z "$dbprep" ]; then
  dbprep=$(mktemp -d)/dbprep
  (cd "$(dirname "$0")/.." && go build -o "$dbprep" ./cmd/dbprep)
fi
tmp=$(mktemp -d)
trap 'git --git-dir="$repo" worktree prune; rm -rf "$tmp"' EXIT
declare -A rules=()
commits=0 dirs=0 skipped=0 noeffect=0 pgdirs=0
scratch=()
[ -z "${DBPREP_SCRATCH_URL:-}" ] || scratch=(--scratch-url "$DBPREP_SCRATCH_URL")
for c in $(git --git-dir="$repo" log --first-parent --format=%H -- '*migrations/*.sql'); do
  parent=$(git --git-dir="$repo" rev-parse --verify --quiet "$c^") || continue
  wt="$tmp/wt"
  migdirs=$(git --git-dir="$repo" ls-tree -r --name-only "$c" | grep -E '(^|/)[^/]*migrations/[^/]+\.sql$' | sed 's|/[^/]*$||' | sort -u || true)
  [ -n "$migdirs" ] || continue
  # A worktree holding the migrations directories alone (sparse): a
  # snapshot may lack a large blob elsewhere in the tree.
  if ! { git --git-dir="$repo" worktree add --no-checkout --detach --force -q "$wt" "$c" 2>/dev/null &&
    (cd "$wt" && git sparse-checkout set --no-cone $(printf '/%s/\n' $migdirs) 2>/dev/null && git checkout -q --detach "$c" 2>/dev/null); }; then
    skipped=$((skipped + 1))
    rm -rf "$wt"
    git --git-dir="$repo" worktree prune
    continue
  fi
  commits=$((commits + 1))
  for d in $migdirs; do
    dirs=$((dirs + 1))
    out=$(cd "$wt" && "$dbprep" --no-dotenv --config /dev/null migrate lint --source "$d" --base "$parent" --format json 2>"$tmp/err" || true)
    # PostgreSQL's migrations: again on the scratch server, when there is one.
    if grep -q 'effect rules did not run' "$tmp/err" && [ ${#scratch[@]} -gt 0 ]; then
      out=$(cd "$wt" && "$dbprep" --no-dotenv --config /dev/null migrate lint --source "$d" --base "$parent" "${scratch[@]}" --format json 2>"$tmp/err" || true)
      pgdirs=$((pgdirs + 1))
    fi
    if grep -q 'effect rules did not run' "$tmp/err"; then noeffect=$((noeffect + 1)); fi
    while IFS=$'\t' read -r rule sev file msg; do
      [ -n "$rule" ] || continue
      rules[$rule]=$(( ${rules[$rule]:-0} + 1 ))
      printf '%s %s %s %s: %s\n' "${c:0:10}" "$sev" "$rule" "$file" "$msg"
    done < <(printf '%s' "$out" | python3 -c '
import json, sys
data = sys.stdin.read().strip()
for f in (json.loads(data) if data else []):
    if f["rule"] in ("edited", "removed", "renamed", "out-of-order", "destructive", "breaks-running-app", "rewrites-table", "locks-table", "fails-on-release"):
        print("\t".join([f["rule"], f["severity"], f["file"], f["message"][:160]]))
')
  done
  git --git-dir="$repo" worktree remove --force "$wt"
done
printf 'commits %d (and %d that could not be checked out), migrations directories linted %d, %d of them on the PostgreSQL scratch server, %d without the effect rules\n' "$commits" "$skipped" "$dirs" "$pgdirs" "$noeffect"
for r in "${!rules[@]}"; do printf '%s %d\n' "$r" "${rules[$r]}"; done
