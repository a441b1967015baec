// OpenBLAS's CBLAS interface; cblas.h also declares the OpenBLAS controls Yanfu uses
// (openblas_set_num_threads, openblas_get_num_threads, openblas_get_corename, openblas_get_config).
#ifndef YANFU_CBLAS_SHIM_H
#define YANFU_CBLAS_SHIM_H
#include <cblas.h>
#endif
