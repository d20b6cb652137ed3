# Tests of the operations kit (operations/, docs/runbook.md): bash, promtool, cmake's JSON parser.
#
#   operations_rules       promtool check rules + promtool test rules (alerts.yml, rules.yml); each
#                          alert has firing and silent cases and a runbook section
#   operations_dashboards  every PromQL expression of the Grafana dashboards and the runbook parses
#   operations_scrape      a running Strata exports every metric the kit names
#
# Exit code 77 (promtool missing) is reported by ctest as skipped.
set(strata_ops_script ${CMAKE_SOURCE_DIR}/operations/test_operations.sh)

add_test(NAME operations_rules COMMAND bash ${strata_ops_script} rules)
add_test(NAME operations_dashboards COMMAND bash ${strata_ops_script} dashboards)
add_test(NAME operations_scrape COMMAND bash ${strata_ops_script} scrape $<TARGET_FILE:strata>)

set_tests_properties(operations_rules operations_dashboards operations_scrape PROPERTIES
                     LABELS operations SKIP_RETURN_CODE 77 TIMEOUT 180)
