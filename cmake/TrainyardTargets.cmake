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

# trainyard_test(<name> [POSTGRES] SOURCES <files...> LIBS <targets...>)
# Builds one GoogleTest executable and registers each test case with ctest.
# POSTGRES: its cases need the throwaway PostgreSQL (fixture "postgres").
# Each case is labelled with the executable's name (`ctest -L '^api_test$'`
# runs one executable's tests; `make test-sanitize` selects its tests so).
function(trainyard_test name)
  if(NOT TRAINYARD_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "POSTGRES" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  # Test sources at -O1 in a release build: GoogleTest's macros at -O3 take
  # about twice as long to compile (server_test.cc: 46 s against 24 s), test
  # sources are 45 % of the build, and what the tests run fast is the
  # libraries, which stay at -O3 (the last -O wins).
  target_compile_options(${name} PRIVATE $<$<CONFIG:Release>:-O1>)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(extra "")
  if(ARG_POSTGRES)
    trainyard_postgres_fixture(pg_dir)
    set(extra FIXTURES_REQUIRED postgres
              ENVIRONMENT TRAINYARD_TEST_POSTGRES_DIR=${pg_dir})
  endif()
  # Listing a sanitizer build's tests on a busy 2-core machine can take
  # longer than the default 5 s, which fails the whole ctest run.
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS ${name} ${extra})
endfunction()
