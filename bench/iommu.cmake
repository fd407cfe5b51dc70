# IOMMU page-table map/unmap rate and range-allocator cost.
amp_add_bench(bench_iommu ${CMAKE_CURRENT_LIST_DIR}/bench_iommu.c)
