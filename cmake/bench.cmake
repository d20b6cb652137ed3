# Workload drivers (bench/): built by `make bench`, run by hand or by bench/ scripts.
add_executable(remote_write_load bench/remote_write_load.cc)
target_link_libraries(remote_write_load PRIVATE strata_prompb)
set_target_properties(remote_write_load PROPERTIES EXCLUDE_FROM_ALL TRUE)
add_dependencies(benchmarks remote_write_load)
add_executable(tsdb_bench_driver bench/tsdb_bench.cc)
target_link_libraries(tsdb_bench_driver PRIVATE strata_tsdb strata_testing)
set_target_properties(tsdb_bench_driver PROPERTIES EXCLUDE_FROM_ALL TRUE)
add_dependencies(benchmarks tsdb_bench_driver)
