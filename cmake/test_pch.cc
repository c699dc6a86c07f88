// The translation unit that builds the tests' shared precompiled header
// (trainyard_test_pch in TrainyardTargets.cmake); it has no code of its own.
