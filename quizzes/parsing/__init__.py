"""Reading the data: YAML with line numbers, strict field checks, the registry and the banks."""
