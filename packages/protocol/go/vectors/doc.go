// Package vectors checks every generated message against hand-written
// wire-level test vectors; it has no code of its own.
package vectors
