# libFuzzer targets and sanitizer options (docs/reliability.md).
#
#   -DSTRATA_SANITIZE=address,undefined   every target built with -fsanitize=address,undefined
#   -DSTRATA_SANITIZE=thread              every target built with -fsanitize=thread
#   -DSTRATA_FUZZ=ON                      (clang only) the fuzz/*.cc targets, target `fuzzers`
#
# scripts/run_sanitizers.sh and scripts/run_fuzzers.sh configure and drive these builds.
#
# This file is included at the END of CMakeLists.txt, after every target exists, so it cannot use
# add_compile_options (that only reaches targets created afterwards). It appends to
# CMAKE_CXX_FLAGS and the linker flags instead: CMake reads those variables at the end of the
# directory's processing and applies them to every target of the directory, whenever it was
# created (all of Strata's targets live in the top-level directory).

set(STRATA_SANITIZE "" CACHE STRING
    "Sanitizers for every target, as for -fsanitize= (e.g. address,undefined or thread); empty = none")
option(STRATA_FUZZ "Build the libFuzzer targets in fuzz/ (clang only; implies ASan + UBSan)" OFF)

set(strata_sanitize "${STRATA_SANITIZE}")
if(STRATA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "STRATA_FUZZ needs clang (configure with CXX=clang++)")
  endif()
  if(strata_sanitize STREQUAL "")
    set(strata_sanitize "address,undefined")
  endif()
  # Coverage instrumentation for every library the targets link; the fuzzer runtime and its
  # main() are linked into the fuzz targets only (below).
  string(APPEND CMAKE_CXX_FLAGS " -fsanitize=fuzzer-no-link")
endif()

if(NOT strata_sanitize STREQUAL "")
  if(strata_sanitize MATCHES "thread" AND strata_sanitize MATCHES "address")
    message(FATAL_ERROR "STRATA_SANITIZE: thread cannot be combined with address")
  endif()
  set(strata_san_flags "-fsanitize=${strata_sanitize} -fno-omit-frame-pointer")
  if(strata_sanitize MATCHES "undefined")
    # A UBSan finding fails the test (or the fuzz run) instead of printing and going on.
    string(APPEND strata_san_flags " -fno-sanitize-recover=undefined")
  endif()
  string(APPEND CMAKE_CXX_FLAGS " ${strata_san_flags}")
  string(APPEND CMAKE_EXE_LINKER_FLAGS " ${strata_san_flags}")
  string(APPEND CMAKE_SHARED_LINKER_FLAGS " ${strata_san_flags}")
  message(STATUS "Strata: sanitizers ${strata_sanitize} on every target")
endif()

if(strata_sanitize MATCHES "thread")
  # Debian's abseil is not built with TSan: without these annotations every absl::Mutex looks
  # like no synchronisation at all (cmake/tsan_absl_annotations.cc says how they work).
  add_library(strata_tsan_absl OBJECT ${CMAKE_SOURCE_DIR}/cmake/tsan_absl_annotations.cc)
  target_link_libraries(strata_tsan_absl PUBLIC absl::synchronization ${CMAKE_DL_LIBS})
  # Every executable, including those of files included after this one: run at the end of the
  # directory.
  function(strata_link_tsan_absl)
    get_property(targets DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(t IN LISTS targets)
      get_target_property(t_type ${t} TYPE)
      if(t_type STREQUAL "EXECUTABLE")
        target_link_libraries(${t} PRIVATE strata_tsan_absl)
      endif()
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL strata_link_tsan_absl)
  # Tests that replace the global operator new to count allocations (files named *_alloc_test.cc)
  # do not link with TSan, whose runtime defines operator new too (ASan's does not collide): left
  # out of TSan builds. Deferred to the end of the directory, to see every target.
  function(strata_drop_alloc_tests)
    get_property(targets DIRECTORY ${CMAKE_SOURCE_DIR} PROPERTY BUILDSYSTEM_TARGETS)
    foreach(t IN LISTS targets)
      get_target_property(t_type ${t} TYPE)
      if(t_type STREQUAL "EXECUTABLE")
        get_target_property(srcs ${t} SOURCES)
        set(kept ${srcs})
        list(FILTER kept EXCLUDE REGEX "_alloc_test\\.cc$")
        if(NOT kept STREQUAL srcs)
          set_property(TARGET ${t} PROPERTY SOURCES ${kept})
        endif()
      endif()
    endforeach()
  endfunction()
  cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL strata_drop_alloc_tests)
endif()

if(STRATA_FUZZ)
  # One target per fuzz/<name>_fuzz.cc: `<name>_fuzz`, linking the module(s) it exercises.
  # Built by the target `fuzzers` only, never by `all`.
  add_custom_target(fuzzers)
  function(strata_fuzzer name)
    cmake_parse_arguments(F "" "" "DEPS;SOURCES" ${ARGN})
    add_executable(${name}_fuzz EXCLUDE_FROM_ALL ${CMAKE_SOURCE_DIR}/fuzz/${name}_fuzz.cc ${F_SOURCES})
    target_link_libraries(${name}_fuzz PRIVATE ${F_DEPS})
    target_include_directories(${name}_fuzz PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR})
    target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer)
    add_dependencies(fuzzers ${name}_fuzz)
  endfunction()

  strata_fuzzer(remote_write DEPS strata_prompb)
  strata_fuzzer(promql_parser DEPS strata_promql_parser)
  strata_fuzzer(wal DEPS strata_wal strata_record)
  strata_fuzzer(record DEPS strata_record)
  strata_fuzzer(index DEPS strata_index)
  strata_fuzzer(xor_chunk DEPS strata_chunkenc)
  # The config loader is part of strata_server, which links the whole server; compile just the
  # config sources so the target does not depend on (and instrument) everything.
  file(GLOB strata_config_srcs CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/src/server/config*.cc)
  list(FILTER strata_config_srcs EXCLUDE REGEX "_test\\.cc$")
  strata_fuzzer(config DEPS strata_limits yaml-cpp
                SOURCES ${strata_config_srcs} ${CMAKE_SOURCE_DIR}/src/server/flags.cc)
endif()
