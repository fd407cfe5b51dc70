add_executable(ampshm-demo ${CMAKE_CURRENT_LIST_DIR}/demo.c
			   ${CMAKE_CURRENT_LIST_DIR}/demo_remote.c)
target_link_libraries(ampshm-demo PRIVATE ampshm)
