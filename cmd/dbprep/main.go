// Command dbprep applies sqlx migrations and builds prepared databases.
// Everything lives in internal/cli.
package main

import "github.com/dbprep/dbprep/internal/cli"

func main() { cli.Run() }
