/* Factor Inception native kernels: NHWC float32 convolutions through OpenBLAS sgemm, and pooling/LRN loops.
 * Every function works on caller-owned buffers (views of the tfjs wasm heap) and allocates only scratch. */
#ifndef FI_KERNELS_H
#define FI_KERNELS_H
#include <stddef.h>

typedef struct {
  int n, h, w, ci, co, oh, ow, kh, kw, sh, sw, top, left;
} fi_conv_geom;

/* OpenBLAS threads for large products (and, when min_macs >= 0, the size from which they are used). */
void fi_set_threads(int n, double min_macs);
int fi_get_threads(void);
/* GFLOP/s of `threads` independent single-threaded n x n sgemms running at once, for at least min_seconds. */
double fi_sgemm_peak(int n, int threads, double min_seconds);

/* Returns 0, or -1 when scratch memory could not be allocated (outputs are then unspecified). */
int fi_conv2d(const fi_conv_geom *g, const float *x, const float *f, float *y);
/* conv + bias (may be NULL) + relu (if nonzero), the epilogue applied per tile. */
int fi_conv2d_fused(const fi_conv_geom *g, const float *x, const float *f, const float *bias, int relu, float *y);
/* dz = dy * (y > 0) over rows x cols; dbias (may be NULL) = column sums of dz. */
void fi_relu_bias_grad(const float *dy, const float *y, size_t rows, size_t cols, float *dz, float *dbias);
int fi_conv2d_backprop_filter(const fi_conv_geom *g, const float *x, const float *dy, float *dw);
int fi_conv2d_backprop_input(const fi_conv_geom *g, const float *dy, const float *f, float *dx);

typedef struct {
  int n, h, w, c, oh, ow, kh, kw, sh, sw, top, left;
} fi_pool_geom;

void fi_max_pool_grad(const fi_pool_geom *g, const float *x, const float *dy, float *dx);
void fi_max_pool(const fi_pool_geom *g, const float *x, float *y);
void fi_concat(const float *const *ins, size_t outer, const size_t *inners, int parts, float *x);
void fi_lrn(const float *x, float *y, size_t pixels, int c, int radius, float bias, float alpha, float beta);
void fi_lrn_grad(const float *x, const float *y, const float *dy, float *dx, size_t pixels, int c, int radius,
                 float bias, float alpha, float beta);
void fi_sum_rows(const float *x, size_t rows, size_t cols, float *out);
void fi_split(const float *x, size_t outer, size_t inner, const int *sizes, int parts, float **outs);
#endif
