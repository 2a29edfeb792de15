/* Convolutions as im2col + sgemm. NHWC input [n,h,w,ci], HWIO filter [kh,kw,ci,co] (which is already the
 * [K = kh*kw*ci, co] matrix the products need), NHWC output [n,oh,ow,co]. Rows of the column matrix are
 * output pixels (b,y,x); columns are (i,j,c), c fastest, so each filter tap copies ci contiguous floats.
 *
 * Threading and determinism: the work is cut into tiles of output rows whose size depends only on the shapes,
 * never on the thread count; each tile is one single-threaded OpenBLAS sgemm (OpenBLAS itself runs on one thread:
 * its own threading cuts products by thread count, and its edge kernels then round differently, so 1 and 2
 * threads gave different bits), run by whichever OpenMP thread takes it. Sums across tiles (the filter gradient)
 * go through a fixed number of partial sums added in a fixed order. So every output element is computed by the
 * same sequence of float operations whatever the thread count. Each tile builds its own slice of the column
 * matrix in a per-thread buffer just before its sgemm, while it is still in cache. */
#include <cblas.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

/* Products smaller than this many multiply-adds run on one thread: below it, waking and joining the OpenMP team
 * costs more than it saves. Never changes results (the tiling is the same). */
static double mt_min_macs = 4e6;
static int max_threads = 1;

void fi_set_threads(int n, double min_macs) {
  max_threads = n;
  if (min_macs >= 0) mt_min_macs = min_macs;
  openblas_set_num_threads(1);
}

int fi_get_threads(void) { return max_threads; }

/* Floats of column matrix per tile (16 MiB): bounds each thread's buffer, and with it the tile height. */
#define TILE_FLOATS (4u << 20)
/* Partial sums of the filter gradient: a fixed count, so the summation order does not follow the thread count. */
#define FILTER_GROUPS 8

/* Per-thread scratch, kept between calls: allocating MiBs per call costs a page fault per 4 KiB each time.
 * Kernels are called from one JS thread only, and each OpenMP thread touches only its own slot. */
#define MAX_SLOTS 64
static float *slot_buf[MAX_SLOTS];
static size_t slot_cap[MAX_SLOTS];

static float *slot(int t, size_t floats) {
  if (t >= MAX_SLOTS) return NULL;
  if (floats > slot_cap[t]) {
    free(slot_buf[t]);
    slot_buf[t] = malloc(sizeof(float) * floats);
    slot_cap[t] = slot_buf[t] ? floats : 0;
  }
  return slot_buf[t];
}

static float *partials;
static size_t partials_cap;

static int is_pointwise(const fi_conv_geom *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->top == 0 && g->left == 0 &&
         g->oh == g->h && g->ow == g->w;
}

static int threads_for(double macs) { return macs >= mt_min_macs ? max_threads : 1; }

/* Tile height in rows for a product with K columns of A: at most TILE_FLOATS of column matrix, and small enough
 * that a layer gives about 16 tiles (so 2+ threads stay busy), but at least 64 rows (sgemm efficiency). A
 * multiple of 16 (the sgemm kernels' row unroll). Depends only on the shapes. */
static size_t tile_rows(size_t rows, size_t K) {
  size_t t = TILE_FLOATS / (K ? K : 1);
  const size_t spread = (rows + 15) / 16;
  if (t > spread) t = spread;
  if (t < 64) t = 64;
  t = (t + 15) / 16 * 16;
  return t;
}

/* col[r - r0][(i*kw + j)*ci + c] = x[b, y*sh+i-top, x*sw+j-left, c] for output rows r = (b*oh + y)*ow + x in
 * [r0, r1), zero outside the image. For a fixed (output pixel, i) the kw taps read kw consecutive input pixels,
 * i.e. kw*ci contiguous floats: one copy when they are all inside the image. */
static void im2col_rows(const fi_conv_geom *g, const float *x, size_t r0, size_t r1, float *col) {
  const int ci = g->ci;
  const size_t K = (size_t)g->kh * g->kw * ci, run = (size_t)g->kw * ci, pix = (size_t)g->oh * g->ow;
  for (size_t r = r0; r < r1; r++) {
    const size_t b = r / pix, rem = r % pix;
    const int y = (int)(rem / g->ow), xo = (int)(rem % g->ow);
    const float *xb = x + b * g->h * g->w * ci;
    float *row = col + (r - r0) * K;
    const int xx0 = xo * g->sw - g->left;
    const int inside = xx0 >= 0 && xx0 + g->kw <= g->w;
    for (int i = 0; i < g->kh; i++) {
      const int yy = y * g->sh + i - g->top;
      float *dst = row + (size_t)i * run;
      if (yy < 0 || yy >= g->h) {
        memset(dst, 0, sizeof(float) * run);
      } else if (inside) {
        memcpy(dst, xb + ((size_t)yy * g->w + xx0) * ci, sizeof(float) * run);
      } else {
        for (int j = 0; j < g->kw; j++) {
          const int xx = xx0 + j;
          if (xx < 0 || xx >= g->w)
            memset(dst + (size_t)j * ci, 0, sizeof(float) * ci);
          else
            memcpy(dst + (size_t)j * ci, xb + ((size_t)yy * g->w + xx) * ci, sizeof(float) * ci);
        }
      }
    }
  }
}

/* dx[b, y*sh+i-top, x*sw+j-left, c] += col[...] for output rows [r0, r1) of one sample's plane: the adjoint of
 * im2col_rows, with the same contiguous runs. */
static void col2im_rows(const fi_conv_geom *g, const float *col, size_t r0, size_t r1, float *dx) {
  const int ci = g->ci;
  const size_t K = (size_t)g->kh * g->kw * ci, run = (size_t)g->kw * ci, pix = (size_t)g->oh * g->ow;
  for (size_t r = r0; r < r1; r++) {
    const size_t b = r / pix, rem = r % pix;
    const int y = (int)(rem / g->ow), xo = (int)(rem % g->ow);
    float *xb = dx + b * g->h * g->w * ci;
    const float *row = col + (r - r0) * K;
    const int xx0 = xo * g->sw - g->left;
    const int j0 = xx0 < 0 ? -xx0 : 0, j1 = xx0 + g->kw > g->w ? g->w - xx0 : g->kw;
    if (j1 <= j0) continue;
    for (int i = 0; i < g->kh; i++) {
      const int yy = y * g->sh + i - g->top;
      if (yy < 0 || yy >= g->h) continue;
      /* taps j0..j1-1 are inside: (j1-j0)*ci contiguous floats on both sides */
      float *d = xb + ((size_t)yy * g->w + xx0 + j0) * ci;
      const float *s = row + (size_t)i * run + (size_t)j0 * ci;
      const size_t len = (size_t)(j1 - j0) * ci;
      for (size_t e = 0; e < len; e++) d[e] += s[e];
    }
  }
}

/* y = conv(x, f) [+ bias][, relu]: the epilogue runs on each tile right after its sgemm, while it is in cache. The
 * bias is added after the whole sum and before the ReLU, as a separate Add and Relu would: the same bits. */
int fi_conv2d_fused(const fi_conv_geom *g, const float *x, const float *f, const float *bias, int relu, float *y) {
  const size_t K = (size_t)g->kh * g->kw * g->ci, M = (size_t)g->n * g->oh * g->ow;
  const int pw = is_pointwise(g), co = g->co;
  const size_t T = tile_rows(M, K), tiles = (M + T - 1) / T;
  int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads_for((double)M * K * g->co))
  for (size_t t = 0; t < tiles; t++) {
    const size_t r0 = t * T, r1 = r0 + T < M ? r0 + T : M;
    const float *a = x + r0 * K;
    if (!pw) {
      float *col = slot(omp_get_thread_num(), T * K);
      if (!col) {
        failed = 1;
        continue;
      }
      im2col_rows(g, x, r0, r1, col);
      a = col;
    }
    float *yt = y + r0 * co;
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)(r1 - r0), co, (int)K, 1.0f, a, (int)K, f, co,
                0.0f, yt, co);
    if (bias || relu)
      for (size_t r = 0; r < r1 - r0; r++) {
        float *yr = yt + r * co;
        if (bias)
          for (int c = 0; c < co; c++) yr[c] += bias[c];
        if (relu)
          for (int c = 0; c < co; c++) yr[c] = yr[c] > 0.0f ? yr[c] : 0.0f;
      }
  }
  return failed ? -1 : 0;
}

int fi_conv2d(const fi_conv_geom *g, const float *x, const float *f, float *y) {
  return fi_conv2d_fused(g, x, f, NULL, 0, y);
}

/* The gradient of relu(z + bias) given its output y: dz = dy where y > 0, else 0; dbias = column sums of dz.
 * Rows in FILTER_GROUPS fixed groups, each summed in row order, the groups added in order: the same bits for any
 * thread count. */
void fi_relu_bias_grad(const float *dy, const float *y, size_t rows, size_t cols, float *dz, float *dbias) {
  const size_t groups = rows < FILTER_GROUPS * 64 ? 1 : FILTER_GROUPS;
  float *part = dbias ? calloc(groups * cols, sizeof(float)) : NULL;
  const int nt = rows * cols > 65536 ? max_threads : 1;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (size_t gi = 0; gi < groups; gi++) {
    const size_t g0 = rows * gi / groups, g1 = rows * (gi + 1) / groups;
    float *p = part ? part + gi * cols : NULL;
    for (size_t r = g0; r < g1; r++) {
      const float *dr = dy + r * cols, *yr = y + r * cols;
      float *zr = dz + r * cols;
      for (size_t c = 0; c < cols; c++) zr[c] = yr[c] > 0.0f ? dr[c] : 0.0f;
      if (p)
        for (size_t c = 0; c < cols; c++) p[c] += zr[c];
    }
  }
  if (dbias) {
    for (size_t c = 0; c < cols; c++) {
      float s = part ? part[c] : 0.0f;
      for (size_t gi = 1; gi < groups && part; gi++) s += part[gi * cols + c];
      dbias[c] = s;
    }
    free(part);
  }
}

/* dW = sum over output rows r of col[r]^T dy[r]: FILTER_GROUPS fixed row ranges, each summed tile by tile into its
 * own partial, then the partials added in order. */
int fi_conv2d_backprop_filter(const fi_conv_geom *g, const float *x, const float *dy, float *dw) {
  const size_t K = (size_t)g->kh * g->kw * g->ci, M = (size_t)g->n * g->oh * g->ow, KC = K * g->co;
  const int pw = is_pointwise(g);
  const size_t T = tile_rows(M, K);
  const size_t groups = M < FILTER_GROUPS * T ? (M + T - 1) / T : FILTER_GROUPS;
  if (groups * KC > partials_cap) {
    free(partials);
    partials = malloc(sizeof(float) * groups * KC);
    partials_cap = partials ? groups * KC : 0;
    if (!partials) return -1;
  }
  int failed = 0;
  const int nt = threads_for((double)M * K * g->co);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (size_t gi = 0; gi < groups; gi++) {
    const size_t g0 = M * gi / groups, g1 = M * (gi + 1) / groups;
    float *part = partials + gi * KC;
    for (size_t r0 = g0; r0 < g1; r0 += T) {
      const size_t r1 = r0 + T < g1 ? r0 + T : g1;
      const float *a = x + r0 * K;
      if (!pw) {
        float *col = slot(omp_get_thread_num(), T * K);
        if (!col) {
          failed = 1;
          break;
        }
        im2col_rows(g, x, r0, r1, col);
        a = col;
      }
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)K, g->co, (int)(r1 - r0), 1.0f, a, (int)K,
                  dy + r0 * g->co, g->co, r0 == g0 ? 0.0f : 1.0f, part, g->co);
    }
  }
  if (failed) return -1;
#pragma omp parallel for schedule(static) num_threads(KC * groups > 65536 ? nt : 1)
  for (size_t e = 0; e < KC; e++) {
    float s = partials[e];
    for (size_t gi = 1; gi < groups; gi++) s += partials[gi * KC + e];
    dw[e] = s;
  }
  return 0;
}

/* dx = col2im(dy W^T). Tiles never straddle a sample, and one thread scatters a whole sample, so the overlapping
 * additions into one sample's dx happen in row order on one thread. */
int fi_conv2d_backprop_input(const fi_conv_geom *g, const float *dy, const float *f, float *dx) {
  const size_t K = (size_t)g->kh * g->kw * g->ci, pix = (size_t)g->oh * g->ow, M = (size_t)g->n * pix;
  const int nt = threads_for((double)M * K * g->co);
  if (is_pointwise(g)) {
    const size_t T = tile_rows(M, K), tiles = (M + T - 1) / T;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
    for (size_t t = 0; t < tiles; t++) {
      const size_t r0 = t * T, r1 = r0 + T < M ? r0 + T : M;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)K, g->co, 1.0f, dy + r0 * g->co,
                  g->co, f, g->co, 0.0f, dx + r0 * K, (int)K);
    }
    return 0;
  }
  /* rows per tile within a sample: the whole sample when it fits the buffer */
  const size_t T = pix * K <= TILE_FLOATS ? pix : (TILE_FLOATS / K > 16 ? TILE_FLOATS / K : 16);
  const size_t plane = (size_t)g->h * g->w * g->ci;
  int failed = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (int b = 0; b < g->n; b++) {
    float *col = slot(omp_get_thread_num(), T * K);
    if (!col) {
      failed = 1;
      continue;
    }
    memset(dx + (size_t)b * plane, 0, sizeof(float) * plane);
    for (size_t r0 = (size_t)b * pix; r0 < (size_t)(b + 1) * pix; r0 += T) {
      const size_t r1 = r0 + T < (size_t)(b + 1) * pix ? r0 + T : (size_t)(b + 1) * pix;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(r1 - r0), (int)K, g->co, 1.0f, dy + r0 * g->co,
                  g->co, f, g->co, 0.0f, col, (int)K);
      col2im_rows(g, col, r0, r1, dx);
    }
  }
  return failed ? -1 : 0;
}

/* The machine's sgemm throughput: every one of `threads` OpenMP threads multiplies its own n x n matrices on one
 * OpenBLAS thread, repeatedly for at least min_seconds; GFLOP/s = all threads' FLOP over the wall time. Independent
 * products (no synchronisation inside, as in the convolutions' tiles) measure the cores' arithmetic rather than
 * OpenBLAS's thread hand-offs, which collapse when the machine is oversubscribed. Returns -1 when memory is short. */
double fi_sgemm_peak(int n, int threads, double min_seconds) {
  const size_t nn = (size_t)n * n;
  double flop = 0;
  int failed = 0;
  openblas_set_num_threads(1);
  const double t0 = omp_get_wtime();
#pragma omp parallel num_threads(threads) reduction(+ : flop)
  {
    float *a = malloc(sizeof(float) * nn), *b = malloc(sizeof(float) * nn), *c = malloc(sizeof(float) * nn);
    if (a && b && c) {
      for (size_t i = 0; i < nn; i++) {
        a[i] = (float)((i * 7) % 13) / 13.0f - 0.5f;
        b[i] = (float)((i * 5) % 11) / 11.0f - 0.5f;
      }
      do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
        flop += 2.0 * n * (double)n * n;
      } while (omp_get_wtime() - t0 < min_seconds);
    } else {
#pragma omp atomic write
      failed = 1;
    }
    free(a);
    free(b);
    free(c);
  }
  const double dt = omp_get_wtime() - t0;
  return failed ? -1 : flop / dt / 1e9;
}
