# ampshm: the command-line tool (subcommands in tools/ampshm/).
add_executable(ampshm-cli ${CMAKE_CURRENT_LIST_DIR}/ampshm/main.c
			  ${CMAKE_CURRENT_LIST_DIR}/ampshm/inspect.c)
set_target_properties(ampshm-cli PROPERTIES OUTPUT_NAME ampshm)
target_link_libraries(ampshm-cli PRIVATE ampshm)
