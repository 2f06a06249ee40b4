package ui

import (
	"context"

	"slmscope/engine"
)

// The app's one picture of this machine is an engine.MachineHub (a.machine). This file adapts it
// to the UI: loading runs off the UI goroutine, and every change reaches the screens on the
// UI goroutine. It is the only machine code that calls fyne.Do.

// observeMachine calls f on the UI goroutine with every new machine state, and once now if a
// state is already loaded. It returns the function that stops the observation.
func (a *App) observeMachine(f func(engine.MachineState)) func() {
	stop := a.hub().Observe(func(s engine.MachineState) { a.do(func() { f(s) }) })
	if s, ok := a.machine.Current(); ok {
		f(s)
	}
	return stop
}

// loadMachine (re)loads the machine with o through spawn (the caller's executor); done gets
// the error on the UI goroutine. Observers see the new state first.
func (a *App) loadMachine(ctx context.Context, o engine.MachineOptions, spawn func(func()), done func(engine.MachineState, error)) {
	spawn(func() {
		s, err := a.machine.Load(ctx, o)
		if ctx.Err() != nil {
			return
		}
		if done != nil {
			a.do(func() { done(s, err) })
		}
	})
}

// hub makes sure the app has its machine (tests build bare Apps) and returns it. Screens call
// it on the UI goroutine when they are built, before any job runs.
func (a *App) hub() *engine.MachineHub {
	if a.machine == nil {
		a.machine = &engine.MachineHub{}
	}
	return a.machine
}
