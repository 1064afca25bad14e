module github.com/nd-music/nd/packages/protocol/go

go 1.24
