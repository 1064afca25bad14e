module github.com/nd-music/nd/examples/go-echo

go 1.24

require github.com/nd-music/nd/packages/protocol/go v0.0.0

replace github.com/nd-music/nd/packages/protocol/go => ../../packages/protocol/go
