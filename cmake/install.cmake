# make install: libraries, headers, the ampshm tool, a pkg-config file and a
# CMake package (find_package(ampshm) -> ampshm::ampshm, ampshm::ampshm_static).
include(CMakePackageConfigHelpers)

install(TARGETS ampshm ampshm_shared EXPORT ampshmTargets
	ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
	LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
	RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/ampshm
	DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT ampshmTargets NAMESPACE ampshm::
	DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ampshm)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/ampshmConfig.cmake.in
	${PROJECT_BINARY_DIR}/ampshmConfig.cmake
	INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ampshm)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/ampshmConfigVersion.cmake
	COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/ampshmConfig.cmake
	${PROJECT_BINARY_DIR}/ampshmConfigVersion.cmake
	DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/ampshm)
# pkg-config: paths relative to the installed .pc file, so that a DESTDIR
# or a moved prefix still works.
file(RELATIVE_PATH AMP_PC_TO_PREFIX /${CMAKE_INSTALL_LIBDIR}/pkgconfig /)
string(REGEX REPLACE "/$" "" AMP_PC_TO_PREFIX "${AMP_PC_TO_PREFIX}")
configure_file(${PROJECT_SOURCE_DIR}/cmake/ampshm.pc.in
	${PROJECT_BINARY_DIR}/ampshm.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ampshm.pc
	DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
# pkg-config for code written against the libmetal shared-memory proposal:
# its headers (<metal/shmem.h>...) come from include/ampshm/metal-compat,
# installed with the other headers above.
configure_file(${PROJECT_SOURCE_DIR}/cmake/ampshm-metal.pc.in
	${PROJECT_BINARY_DIR}/ampshm-metal.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/ampshm-metal.pc
	DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
# The ampshm tool and its man page, and the benchmark programs where an
# installed `ampshm bench` looks for them (<bindir>/../libexec/ampshm).
if(TARGET ampshm-cli)
	install(TARGETS ampshm-cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
	install(FILES ${PROJECT_SOURCE_DIR}/docs/ampshm.1
		DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endif()
get_property(_amp_benches GLOBAL PROPERTY AMP_BENCHES)
if(_amp_benches)
	install(TARGETS ${_amp_benches}
		RUNTIME DESTINATION ${CMAKE_INSTALL_LIBEXECDIR}/ampshm)
endif()
