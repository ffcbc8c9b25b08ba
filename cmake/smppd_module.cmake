# smppd_module(NAME SOURCES...): the library of one src/<module>. Registered so that the
# include check (check_includes.cmake) can hold each module to the modules it links.
#
# A header belongs to the module that lists it, else to the module with its .cpp, else to
# the first module declared in its folder.
function(smppd_module name)
  add_library(${name} ${ARGN})
  set_property(GLOBAL APPEND PROPERTY SMPPD_MODULES ${name})
endfunction()

# After every module is declared: writes what each one is (folder, sources, direct links)
# and adds a target, part of ALL, that fails the build when a source includes a header of
# a module it does not link (directly or through the modules it links).
function(smppd_include_check)
  get_property(modules GLOBAL PROPERTY SMPPD_MODULES)
  set(lines "")
  foreach(m IN LISTS modules)
    string(APPEND lines
           "${m}|$<TARGET_PROPERTY:${m},SOURCE_DIR>|$<JOIN:$<TARGET_PROPERTY:${m},SOURCES>,,>|$<JOIN:$<TARGET_PROPERTY:${m},LINK_LIBRARIES>,,>\n")
  endforeach()
  set(graph ${CMAKE_BINARY_DIR}/module_graph.txt)
  file(GENERATE OUTPUT ${graph} CONTENT "${lines}")
  set(stamp ${CMAKE_BINARY_DIR}/include_check.stamp)
  file(GLOB_RECURSE all_sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/*.hpp
       ${PROJECT_SOURCE_DIR}/src/*.cpp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DGRAPH=${graph} -DSRC=${PROJECT_SOURCE_DIR}/src -DSTAMP=${stamp}
            -P ${PROJECT_SOURCE_DIR}/cmake/check_includes.cmake
    DEPENDS ${all_sources} ${graph} ${PROJECT_SOURCE_DIR}/cmake/check_includes.cmake
    COMMENT "Checking that every module includes only headers of modules it links")
  add_custom_target(include_check ALL DEPENDS ${stamp})
endfunction()
