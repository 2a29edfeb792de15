/* Convolutions as im2col + sgemm. NHWC input [n,h,w,ci], HWIO filter [kh,kw,ci,co] (which is already the
 * [K = kh*kw*ci, co] matrix the products need), NHWC output [n,oh,ow,co]. Rows of the column matrix are
 * output pixels (b,y,x); columns are (i,j,c), c fastest, so each filter tap copies ci contiguous floats.
 * Samples are processed in chunks so the column matrix stays within COL_BUDGET floats. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

#define COL_BUDGET (8u << 20) /* floats (32 MiB) */

/* Products smaller than this many multiply-adds run on one thread: below it, waking and joining OpenBLAS's
 * worker costs more than it saves (measured with `npm run bench -- training`, see native/README.md).
 * The split never changes results: OpenBLAS divides sgemm by output blocks, not along the sum. */
static double mt_min_macs = 4e6;
static int max_threads = 1, cur_threads = -1;

void fi_set_threads(int n, double min_macs) {
  max_threads = n;
  if (min_macs >= 0) mt_min_macs = min_macs;
  cur_threads = -1;
}

int fi_get_threads(void) { return max_threads; }

static void sgemm(CBLAS_TRANSPOSE ta, CBLAS_TRANSPOSE tb, int m, int n, int k, const float *a, int lda,
                  const float *b, int ldb, float beta, float *c, int ldc) {
  const int want = (double)m * n * k >= mt_min_macs ? max_threads : 1;
  if (want != cur_threads) {
    openblas_set_num_threads(want);
    cur_threads = want;
  }
  cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

/* The column buffer, kept between calls: allocating up to 32 MiB per call costs a page fault per 4 KiB each time.
 * Kernels are called from one JS thread only (the OpenMP loops never allocate), so one buffer serves them all. */
static float *scratch;
static size_t scratch_cap;

static float *column_buffer(size_t floats) {
  if (floats > scratch_cap) {
    free(scratch);
    scratch = malloc(sizeof(float) * floats);
    scratch_cap = scratch ? floats : 0;
  }
  return scratch;
}

static int is_pointwise(const fi_conv_geom *g) {
  return g->kh == 1 && g->kw == 1 && g->sh == 1 && g->sw == 1 && g->top == 0 && g->left == 0 &&
         g->oh == g->h && g->ow == g->w;
}

static int chunk_samples(const fi_conv_geom *g) {
  size_t per = (size_t)g->oh * g->ow * g->kh * g->kw * g->ci;
  size_t nb = per ? COL_BUDGET / per : 1;
  if (nb < 1) nb = 1;
  if (nb > (size_t)g->n) nb = g->n;
  return (int)nb;
}

/* col[(b*oh + y)*ow + x][(i*kw + j)*ci + c] = x[b0+b, y*sh+i-top, x*sw+j-left, c], zero outside. For a fixed
 * (output pixel, i) the kw taps read kw consecutive input pixels, i.e. kw*ci contiguous floats: one copy when
 * they are all inside the image (small ci, as in the stem, would otherwise cost one tiny memcpy per tap). */
static void im2col(const fi_conv_geom *g, const float *x, int b0, int nb, float *col) {
  const int ci = g->ci;
  const size_t K = (size_t)g->kh * g->kw * ci, run = (size_t)g->kw * ci;
#pragma omp parallel for collapse(2) num_threads(max_threads) schedule(static) if (nb * g->oh > 8)
  for (int b = 0; b < nb; b++) {
    for (int y = 0; y < g->oh; y++) {
      const float *xb = x + (size_t)(b0 + b) * g->h * g->w * ci;
      for (int xo = 0; xo < g->ow; xo++) {
        float *row = col + (((size_t)b * g->oh + y) * g->ow + xo) * K;
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
  }
}

/* dx[b0+b, y*sh+i-top, x*sw+j-left, c] += col[...]: the adjoint of im2col, with the same contiguous runs. */
static void col2im_add(const fi_conv_geom *g, const float *col, int b0, int nb, float *dx) {
  const int ci = g->ci;
  const size_t K = (size_t)g->kh * g->kw * ci, run = (size_t)g->kw * ci;
#pragma omp parallel for num_threads(max_threads) schedule(static) if (nb > 1)
  for (int b = 0; b < nb; b++) {
    float *xb = dx + (size_t)(b0 + b) * g->h * g->w * ci;
    for (int y = 0; y < g->oh; y++)
      for (int xo = 0; xo < g->ow; xo++) {
        const float *row = col + (((size_t)b * g->oh + y) * g->ow + xo) * K;
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
}

int fi_conv2d(const fi_conv_geom *g, const float *x, const float *f, float *y) {
  const int K = g->kh * g->kw * g->ci;
  const size_t pix = (size_t)g->oh * g->ow;
  if (is_pointwise(g)) {
    sgemm(CblasNoTrans, CblasNoTrans, (int)(g->n * pix), g->co, K, x, K, f, g->co,
                0.0f, y, g->co);
    return 0;
  }
  const int nb = chunk_samples(g);
  float *col = column_buffer((size_t)nb * pix * K);
  if (!col) return -1;
  for (int b0 = 0; b0 < g->n; b0 += nb) {
    const int m = g->n - b0 < nb ? g->n - b0 : nb;
    im2col(g, x, b0, m, col);
    sgemm(CblasNoTrans, CblasNoTrans, (int)(m * pix), g->co, K, col, K, f, g->co,
                0.0f, y + (size_t)b0 * pix * g->co, g->co);
  }
  return 0;
}

int fi_conv2d_backprop_filter(const fi_conv_geom *g, const float *x, const float *dy, float *dw) {
  const int K = g->kh * g->kw * g->ci;
  const size_t pix = (size_t)g->oh * g->ow;
  if (is_pointwise(g)) {
    sgemm(CblasTrans, CblasNoTrans, K, g->co, (int)(g->n * pix), x, K, dy, g->co,
                0.0f, dw, g->co);
    return 0;
  }
  const int nb = chunk_samples(g);
  float *col = column_buffer((size_t)nb * pix * K);
  if (!col) return -1;
  for (int b0 = 0; b0 < g->n; b0 += nb) {
    const int m = g->n - b0 < nb ? g->n - b0 : nb;
    im2col(g, x, b0, m, col);
    sgemm(CblasTrans, CblasNoTrans, K, g->co, (int)(m * pix), col, K,
                dy + (size_t)b0 * pix * g->co, g->co, b0 == 0 ? 0.0f : 1.0f, dw, g->co);
  }
  return 0;
}

int fi_conv2d_backprop_input(const fi_conv_geom *g, const float *dy, const float *f, float *dx) {
  const int K = g->kh * g->kw * g->ci;
  const size_t pix = (size_t)g->oh * g->ow;
  if (is_pointwise(g)) {
    sgemm(CblasNoTrans, CblasTrans, (int)(g->n * pix), K, g->co, dy, g->co, f, g->co,
                0.0f, dx, K);
    return 0;
  }
  const int nb = chunk_samples(g);
  float *col = column_buffer((size_t)nb * pix * K);
  if (!col) return -1;
  memset(dx, 0, sizeof(float) * g->n * g->h * g->w * g->ci);
  for (int b0 = 0; b0 < g->n; b0 += nb) {
    const int m = g->n - b0 < nb ? g->n - b0 : nb;
    sgemm(CblasNoTrans, CblasTrans, (int)(m * pix), K, g->co,
                dy + (size_t)b0 * pix * g->co, g->co, f, g->co, 0.0f, col, K);
    col2im_add(g, col, b0, m, dx);
  }
  return 0;
}
