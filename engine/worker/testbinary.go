package worker

import "os"

// testWorkerEnv, set to 1 in a test binary's environment, makes it serve as the worker.
const testWorkerEnv = "SLMSCOPE_TEST_WORKER"

// ServeTestWorker is for a test binary's TestMain, so that the binary doubles as the
// llama.cpp worker as slmscope itself does: started by TestBinary's command, it serves on
// stdin and stdout and exits; otherwise it returns at once.
func ServeTestWorker() {
	if os.Getenv(testWorkerEnv) == "1" {
		os.Exit(Main(os.Stdin, os.Stdout))
	}
}

// TestBinary is the command and environment that start the running test binary as a worker
// (its TestMain calls ServeTestWorker).
func TestBinary() (argv, env []string) {
	return []string{os.Args[0], "-test.run=^$"}, []string{testWorkerEnv + "=1"}
}
