package cli

import (
	"io"
	"os"

	"slmscope/engine/worker"
)

func init() {
	register("worker", "run the llama.cpp worker (started by slmscope itself)", func(_ []string, stdout, _ io.Writer) int {
		return worker.Main(os.Stdin, stdout)
	})
}
