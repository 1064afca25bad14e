module github.com/nd-music/nd/examples/go-gen2-agent

go 1.24

require github.com/extism/go-pdk v1.1.3
