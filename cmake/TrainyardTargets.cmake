# Helpers shared by every layer's CMakeLists.txt.

# trainyard_test(<name> SOURCES <files...> LIBS <targets...>)
# Builds one GoogleTest executable and registers each test case with ctest,
# labelled with the executable's name (`ctest -L '^api_test$'` runs one
# executable's tests; `make test-sanitize` selects its tests that way).
function(trainyard_test name)
  if(NOT TRAINYARD_BUILD_TESTS)
    return()
  endif()
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main)
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST
                       PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS ${name})
endfunction()
