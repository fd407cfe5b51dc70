add_executable(ampshm-demo ${CMAKE_CURRENT_LIST_DIR}/demo.c
			   ${CMAKE_CURRENT_LIST_DIR}/demo_remote.c
			   ${CMAKE_CURRENT_LIST_DIR}/common/progress.c)
target_include_directories(ampshm-demo PRIVATE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(ampshm-demo PRIVATE ampshm)
