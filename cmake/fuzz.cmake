# libFuzzer targets and sanitizer options (docs/reliability.md).
