# Tests of the operations kit (operations/, docs/runbook.md).
