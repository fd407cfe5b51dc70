add_executable(ampshm-demo ${CMAKE_CURRENT_LIST_DIR}/demo.c)
target_link_libraries(ampshm-demo PRIVATE ampshm)
