#!/usr/bin/env node
// The `ndp` command. This file exists before the build, so installing the workspace links the
// command without a warning; the command itself is built to dist/bin.js.
import "../dist/bin.js";
