package gguf

// TinyModelForTest exposes the test model to the external test package.
var TinyModelForTest = tinyModel

// MicroModelForTest exposes the fuzz-seed model to the external test package.
var MicroModelForTest = microModel
