# Workload drivers (bench/): built by `make bench`, run by hand or by bench/ scripts.
add_executable(remote_write_load bench/remote_write_load.cc)
target_link_libraries(remote_write_load PRIVATE strata_prompb)
set_target_properties(remote_write_load PROPERTIES EXCLUDE_FROM_ALL TRUE)
add_dependencies(benchmarks remote_write_load)
add_executable(tsdb_bench_driver bench/tsdb_bench.cc)
target_link_libraries(tsdb_bench_driver PRIVATE strata_tsdb strata_testing)
set_target_properties(tsdb_bench_driver PROPERTIES EXCLUDE_FROM_ALL TRUE)
add_dependencies(benchmarks tsdb_bench_driver)
# The "decode only" floor of bench/compare: Strata's HTTP server and remote-write decoder, no
# storage. It compiles the few HTTP-server sources itself instead of linking strata_api, so it
# does not pull in (and wait for) the whole TSDB, PromQL and ingester.
add_executable(decode_only_receiver bench/decode_only_receiver.cc
               src/api/http_server.cc src/api/http_session.cc src/api/http_types.cc
               src/api/router.cc src/api/worker_pool.cc)
target_link_libraries(decode_only_receiver PRIVATE strata_prompb strata_metrics Boost::headers)
set_target_properties(decode_only_receiver PROPERTIES EXCLUDE_FROM_ALL TRUE)
add_dependencies(benchmarks decode_only_receiver)
