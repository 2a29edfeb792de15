/* Max-pool gradient and local response normalisation (tfjs semantics), NHWC float32. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "kernels.h"

/* The gradient of each window goes to its first maximum in row-major window order (as the tfjs cpu backend
 * does); overlapping windows accumulate; a window with no maximum (all NaN / -inf) sends nothing back. */
void fi_max_pool_grad(const fi_pool_geom *g, const float *x, const float *dy, float *dx) {
  const int c = g->c;
  const size_t plane = (size_t)g->h * g->w * c;
  memset(dx, 0, sizeof(float) * g->n * plane);
  /* samples write disjoint planes of dx: split them across threads */
#pragma omp parallel num_threads(fi_get_threads()) if (g->n > 1)
  {
  float *maxv = malloc(sizeof(float) * c);
  int32_t *maxp = malloc(sizeof(int32_t) * c); /* pixel index (yy*w + xx) of the maximum, -1 for none */
#pragma omp for schedule(static)
  for (int b = 0; b < g->n; b++) {
    const float *xb = x + (size_t)b * plane;
    float *db = dx + (size_t)b * plane;
    for (int oy = 0; oy < g->oh; oy++) {
      const int y0 = oy * g->sh - g->top;
      const int ymin = y0 < 0 ? 0 : y0, ymax = y0 + g->kh > g->h ? g->h : y0 + g->kh;
      for (int ox = 0; ox < g->ow; ox++) {
        const int x0 = ox * g->sw - g->left;
        const int xmin = x0 < 0 ? 0 : x0, xmax = x0 + g->kw > g->w ? g->w : x0 + g->kw;
        for (int ch = 0; ch < c; ch++) {
          maxv[ch] = -INFINITY;
          maxp[ch] = -1;
        }
        for (int yy = ymin; yy < ymax; yy++)
          for (int xx = xmin; xx < xmax; xx++) {
            const int32_t pos = yy * g->w + xx;
            const float *px = xb + (size_t)pos * c;
            /* Branch-free so it vectorises; strict '>' keeps the first maximum. */
            for (int ch = 0; ch < c; ch++) {
              const int take = px[ch] > maxv[ch];
              maxv[ch] = take ? px[ch] : maxv[ch];
              maxp[ch] = take ? pos : maxp[ch];
            }
          }
        const float *gy = dy + (((size_t)b * g->oh + oy) * g->ow + ox) * c;
        for (int ch = 0; ch < c; ch++)
          if (maxp[ch] >= 0) db[(size_t)maxp[ch] * c + ch] += gy[ch];
      }
    }
  }
  free(maxv);
  free(maxp);
  }
}

/* norm^-beta; beta = 0.75 (GoogLeNet's and tfjs' default) as 1/(sqrt(norm) * sqrt(sqrt(norm))), ~10x cheaper
 * than powf and within a few ulp of it. */
static inline float neg_pow(float norm, float beta) {
  if (beta == 0.75f) {
    const float s = sqrtf(norm);
    return 1.0f / (s * sqrtf(s));
  }
  if (beta == 0.5f) return 1.0f / sqrtf(norm);
  return powf(norm, -beta);
}

/* Window sums over channels, sum[ch] = sum_{|k-ch|<=r} v[k], from a copy of v padded with r zeros each side:
 * the loops run over channels innermost so they vectorise. */
static void window_sums(const float *padded, float *sum, int c, int radius) {
  for (int ch = 0; ch < c; ch++) sum[ch] = padded[ch];
  for (int d = 1; d <= 2 * radius; d++)
    for (int ch = 0; ch < c; ch++) sum[ch] += padded[ch + d];
}

/* y[c] = x[c] * (bias + alpha * sum_{|k-c|<=r} x[k]^2)^-beta, per pixel. */
void fi_lrn(const float *x, float *y, size_t pixels, int c, int radius, float bias, float alpha, float beta) {
#pragma omp parallel num_threads(fi_get_threads()) if (pixels * c > 65536)
  {
  float *sq = calloc((size_t)c + 2 * radius, sizeof(float));
  float *sum = malloc(sizeof(float) * c);
#pragma omp for schedule(static)
  for (size_t p = 0; p < pixels; p++) {
    const float *xp = x + p * c;
    float *yp = y + p * c;
    for (int ch = 0; ch < c; ch++) sq[radius + ch] = xp[ch] * xp[ch];
    window_sums(sq, sum, c, radius);
    for (int ch = 0; ch < c; ch++) yp[ch] = xp[ch] * neg_pow(bias + alpha * sum[ch], beta);
  }
  free(sq);
  free(sum);
  }
}

/* dx[k] = dy[k] * norm_k^-beta - 2 alpha beta x[k] sum_{|o-k|<=r} dy[o] y[o] / norm_o, the window being symmetric. */
void fi_lrn_grad(const float *x, const float *y, const float *dy, float *dx, size_t pixels, int c, int radius,
                 float bias, float alpha, float beta) {
#pragma omp parallel num_threads(fi_get_threads()) if (pixels * c > 65536)
  {
  float *sq = calloc((size_t)c + 2 * radius, sizeof(float));
  float *coef = calloc((size_t)c + 2 * radius, sizeof(float));
  float *sum = malloc(sizeof(float) * c);
#pragma omp for schedule(static)
  for (size_t p = 0; p < pixels; p++) {
    const float *xp = x + p * c, *yp = y + p * c, *gp = dy + p * c;
    float *dp = dx + p * c;
    for (int ch = 0; ch < c; ch++) sq[radius + ch] = xp[ch] * xp[ch];
    window_sums(sq, sum, c, radius);
    for (int o = 0; o < c; o++) {
      const float norm = alpha * sum[o] + bias;
      coef[radius + o] = gp[o] * yp[o] / norm;
      sum[o] = neg_pow(norm, beta); /* sum now holds norm^-beta */
    }
    for (int k = 0; k < c; k++) dp[k] = gp[k] * sum[k];
    window_sums(coef, sum, c, radius); /* sum now holds the window sums of coef */
    for (int k = 0; k < c; k++) dp[k] -= 2.0f * alpha * beta * xp[k] * sum[k];
  }
  free(sq);
  free(coef);
  free(sum);
  }
}

/* out[c] = sum over rows r of x[r*cols + c], rows summed in order (the bias gradient: NHWC summed over N,H,W). */
void fi_sum_rows(const float *x, size_t rows, size_t cols, float *out) {
  memset(out, 0, sizeof(float) * cols);
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    for (size_t k = 0; k < cols; k++) out[k] += xr[k];
  }
}

/* Splits x, viewed as [outer, sum(sizes), inner], along its middle axis into outs[j] of [outer, sizes[j], inner]. */
void fi_split(const float *x, size_t outer, size_t inner, const int *sizes, int parts, float **outs) {
  size_t total = 0;
  for (int j = 0; j < parts; j++) total += (size_t)sizes[j];
  for (size_t o = 0; o < outer; o++) {
    const float *src = x + o * total * inner;
    for (int j = 0; j < parts; j++) {
      const size_t len = (size_t)sizes[j] * inner;
      memcpy(outs[j] + o * len, src, sizeof(float) * len);
      src += len;
    }
  }
}

/* y = max over each window of the pixels inside the image (tfjs' SAME padding never wins a maximum), NHWC.
 * OpenMP over output rows of all samples: each writes its own row. */
void fi_max_pool(const fi_pool_geom *g, const float *x, float *y) {
  const int c = g->c;
  const size_t plane = (size_t)g->h * g->w * c, rows = (size_t)g->n * g->oh;
#pragma omp parallel for schedule(static) num_threads(fi_get_threads()) if (rows * g->ow * c > 65536)
  for (size_t row = 0; row < rows; row++) {
    const int b = (int)(row / g->oh), oy = (int)(row % g->oh);
    const float *xb = x + (size_t)b * plane;
    const int y0 = oy * g->sh - g->top;
    const int ymin = y0 < 0 ? 0 : y0, ymax = y0 + g->kh > g->h ? g->h : y0 + g->kh;
    for (int ox = 0; ox < g->ow; ox++) {
      const int x0 = ox * g->sw - g->left;
      const int xmin = x0 < 0 ? 0 : x0, xmax = x0 + g->kw > g->w ? g->w : x0 + g->kw;
      float *out = y + (row * g->ow + ox) * c;
      for (int ch = 0; ch < c; ch++) out[ch] = -INFINITY;
      for (int yy = ymin; yy < ymax; yy++)
        for (int xx = xmin; xx < xmax; xx++) {
          const float *px = xb + ((size_t)yy * g->w + xx) * c;
          for (int ch = 0; ch < c; ch++) out[ch] = px[ch] > out[ch] ? px[ch] : out[ch];
        }
    }
  }
}

/* The adjoint of fi_split: outs viewed as [outer, sizes[j] * inner] written side by side into x [outer, total]. */
void fi_concat(const float *const *ins, size_t outer, const size_t *inners, int parts, float *x) {
  size_t total = 0;
  for (int j = 0; j < parts; j++) total += inners[j];
#pragma omp parallel for schedule(static) num_threads(fi_get_threads()) if (outer * total > 65536)
  for (size_t o = 0; o < outer; o++) {
    float *dst = x + o * total;
    for (int j = 0; j < parts; j++) {
      memcpy(dst, ins[j] + o * inners[j], sizeof(float) * inners[j]);
      dst += inners[j];
    }
  }
}
