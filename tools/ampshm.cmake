# ampshm: the command-line tool (subcommands in tools/ampshm/).
# `ampshm demo` is the README's main job (tools/demo*.c).
add_executable(ampshm-cli ${CMAKE_CURRENT_LIST_DIR}/ampshm/main.c
			  ${CMAKE_CURRENT_LIST_DIR}/ampshm/inspect.c
			  ${CMAKE_CURRENT_LIST_DIR}/ampshm/bench.c
			  ${CMAKE_CURRENT_LIST_DIR}/ampshm/demo.c
			  ${CMAKE_CURRENT_LIST_DIR}/ampshm/run.c
			  ${CMAKE_CURRENT_LIST_DIR}/demo.c
			  ${CMAKE_CURRENT_LIST_DIR}/demo_hov.c
			  ${CMAKE_CURRENT_LIST_DIR}/demo_qemu.c
			  ${CMAKE_CURRENT_LIST_DIR}/demo_remote.c
			  ${CMAKE_CURRENT_LIST_DIR}/common/hovprobe.c
			  ${CMAKE_CURRENT_LIST_DIR}/common/progress.c
			  ${CMAKE_CURRENT_LIST_DIR}/common/readfile.c)
target_include_directories(ampshm-cli PRIVATE ${CMAKE_CURRENT_LIST_DIR}
	${PROJECT_SOURCE_DIR}/firmware/apps/bufproc)
set_target_properties(ampshm-cli PROPERTIES OUTPUT_NAME ampshm)
target_link_libraries(ampshm-cli PRIVATE ampshm)
# ampshm bench: the benchmark programs' names (bench/ is added before
# tools/), and the build tree's bench directory, its last place to look.
get_property(_amp_benches GLOBAL PROPERTY AMP_BENCHES)
string(REPLACE ";" " " _amp_benches "${_amp_benches}")
if(_amp_benches)
	target_compile_definitions(ampshm-cli PRIVATE
		"AMP_BENCH_NAMES=\"${_amp_benches}\""
		"AMP_BENCH_DIR=\"${PROJECT_BINARY_DIR}/bench\"")
endif()
