# Helpers shared by every layer's CMakeLists.txt.

# The throwaway PostgreSQL of the tests (scripts/test-postgres.sh): ctest
# starts it before the first test that requires the fixture "postgres" and
# stops it (by PID, removing its directory) after the last. Tests find it
# through TRAINYARD_TEST_POSTGRES_DIR (src/store/test_backends.h).
function(trainyard_postgres_fixture out_dir)
  string(MD5 hash "${CMAKE_BINARY_DIR}")
  string(SUBSTRING "${hash}" 0 12 hash)
  set(dir /tmp/trainyard-pg-${hash})
  set(${out_dir} ${dir} PARENT_SCOPE)
  get_property(defined GLOBAL PROPERTY TRAINYARD_POSTGRES_FIXTURE)
  if(defined)
    return()
  endif()
  set_property(GLOBAL PROPERTY TRAINYARD_POSTGRES_FIXTURE ON)
  set(script ${PROJECT_SOURCE_DIR}/scripts/test-postgres.sh)
  add_test(NAME postgres_start COMMAND ${script} start ${dir})
  set_tests_properties(postgres_start PROPERTIES FIXTURES_SETUP postgres
                       TIMEOUT 120)
  add_test(NAME postgres_stop COMMAND ${script} stop ${dir})
  set_tests_properties(postgres_stop PROPERTIES FIXTURES_CLEANUP postgres)
endfunction()

# The precompiled header every test executable shares (REUSE_FROM):
# GoogleTest and nlohmann/json take about 1.5 s to parse in each of ~200 test
# sources, on both CI builds (release and sanitize). Same flags as the tests.
function(trainyard_test_pch)
  if(TARGET trainyard_test_pch)
    return()
  endif()
  add_library(trainyard_test_pch OBJECT ${PROJECT_SOURCE_DIR}/cmake/test_pch.cc)
  target_link_libraries(trainyard_test_pch PRIVATE GTest::gtest)
  target_compile_options(trainyard_test_pch PRIVATE $<$<CONFIG:Release>:-O1>)
  target_precompile_headers(trainyard_test_pch PRIVATE
                            <gtest/gtest.h> <nlohmann/json.hpp>)
endfunction()

# trainyard_test_flags(<target> [<pch target>])
# How a test executable compiles. Test sources at -O1 in a release build:
# GoogleTest's macros at -O3 take about twice as long to compile
# (server_test.cc: 46 s against 24 s), test sources are 45 % of the build,
# and what the tests run fast is the libraries, which stay at -O3 (the last
# -O wins). The precompiled header is the tests' shared one unless another
# target's is named.
function(trainyard_test_flags name)
  set(pch_from ${ARGN})
  if(NOT pch_from)
    trainyard_test_pch()
    set(pch_from trainyard_test_pch)
  endif()
  target_compile_options(${name} PRIVATE $<$<CONFIG:Release>:-O1>)
  target_precompile_headers(${name} REUSE_FROM ${pch_from})
endfunction()

# trainyard_test(<name> [POSTGRES] [PCH_FROM <target>] [SHARDS <n>]
#                SOURCES <files...> LIBS <targets...>)
# Builds one GoogleTest executable and registers each test case with ctest.
# POSTGRES: its cases need the throwaway PostgreSQL (fixture "postgres").
# PCH_FROM: reuse that target's precompiled header instead of the tests'
# shared one (rl_test reuses trainyard_rl's, which holds torch).
# SHARDS: register n ctest tests, <name>.shard<i>, that split the cases with
# GoogleTest's own sharding, instead of one process per case. For
# executables that link libtorch: loading it takes ~0.5 s a process, and the
# ~530 cases of those executables spent ~290 s of the suite's ~770 CPU
# seconds starting. Cases of a sharded executable share a process, so they
# must not depend on running first (each fixture sets up what it checks).
# Each test is labelled with the executable's name (`ctest -L '^api_test$'`
# runs one executable's tests; `make test-sanitize` selects its tests so).
function(trainyard_test name)
  if(NOT TRAINYARD_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "POSTGRES" "TIMEOUT;PCH_FROM;SHARDS" "SOURCES;LIBS"
                        ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  trainyard_test_flags(${name} ${ARG_PCH_FROM})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(extra "")
  set(env "")
  if(ARG_POSTGRES)
    trainyard_postgres_fixture(pg_dir)
    set(extra FIXTURES_REQUIRED postgres)
    set(env TRAINYARD_TEST_POSTGRES_DIR=${pg_dir})
  endif()
  if(ARG_SHARDS)
    trainyard_test_shards(${name} ${ARG_SHARDS} "${env}" ${extra})
    return()
  endif()
  if(env)
    list(APPEND extra ENVIRONMENT ${env})
  endif()
  # Listing a sanitizer build's tests on a busy 2-core machine can take
  # longer than the default 5 s, which fails the whole ctest run.
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS ${name} ${extra})
endfunction()

# trainyard_test_shards(<name> <n> <environment> [<test properties>...])
# The ctest tests of a SHARDS executable (see trainyard_test). A shard runs
# many cases, so it gets a longer timeout than one case.
function(trainyard_test_shards name shards env)
  math(EXPR last "${shards} - 1")
  foreach(index RANGE ${last})
    math(EXPR number "${index} + 1")
    set(test ${name}.shard${number})
    set(shard_env ${env} GTEST_TOTAL_SHARDS=${shards} GTEST_SHARD_INDEX=${index})
    add_test(NAME ${test} COMMAND ${name})
    set_tests_properties(${test} PROPERTIES TIMEOUT 900 LABELS ${name}
                         ENVIRONMENT "${shard_env}" ${ARGN})
  endforeach()
endfunction()
