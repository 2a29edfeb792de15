/* N-API bindings. Arguments are Float32Array views (of the tfjs wasm heap) and an Int32Array of sizes; every
 * length is checked against the sizes before any kernel runs, so a wrong call throws instead of writing
 * outside a buffer. */
#include <cblas.h>
#include <node_api.h>
#include <stdio.h>
#include "kernels.h"

#define CHECK(call)                                                                                     \
  do {                                                                                                  \
    if ((call) != napi_ok) {                                                                            \
      napi_throw_error(env, NULL, "factor-inception native: N-API call failed: " #call);                \
      return NULL;                                                                                      \
    }                                                                                                   \
  } while (0)

static int get_f32(napi_env env, napi_value v, float **data, size_t *len, const char *what) {
  napi_typedarray_type type;
  void *p;
  char msg[160];
  if (napi_get_typedarray_info(env, v, &type, len, &p, NULL, NULL) != napi_ok || type != napi_float32_array) {
    snprintf(msg, sizeof msg, "factor-inception native: %s must be a Float32Array", what);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *data = p;
  return 1;
}

static int get_geom(napi_env env, napi_value v, int *out, size_t want) {
  napi_typedarray_type type;
  size_t len;
  void *p;
  if (napi_get_typedarray_info(env, v, &type, &len, &p, NULL, NULL) != napi_ok || type != napi_int32_array ||
      len != want) {
    napi_throw_type_error(env, NULL, "factor-inception native: sizes must be an Int32Array of the right length");
    return 0;
  }
  for (size_t i = 0; i < want; i++) {
    out[i] = ((int *)p)[i];
    if (out[i] < 0 && i < want - 2) { /* only the pads (last two) may be negative */
      napi_throw_range_error(env, NULL, "factor-inception native: negative size");
      return 0;
    }
  }
  return 1;
}

static int need(napi_env env, size_t have, size_t want, const char *what) {
  char msg[200];
  if (have >= want) return 1;
  snprintf(msg, sizeof msg, "factor-inception native: %s has %zu elements, needs %zu", what, have, want);
  napi_throw_range_error(env, NULL, msg);
  return 0;
}

enum { CONV_FWD, CONV_FILTER, CONV_INPUT };

static napi_value conv(napi_env env, napi_callback_info info, int which) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 4) {
    napi_throw_type_error(env, NULL, "factor-inception native: conv kernels take (sizes, a, b, out)");
    return NULL;
  }
  fi_conv_geom g;
  if (!get_geom(env, argv[0], (int *)&g, 13)) return NULL;
  float *a, *b, *o;
  size_t na, nb, no;
  if (!get_f32(env, argv[1], &a, &na, "input 1") || !get_f32(env, argv[2], &b, &nb, "input 2") ||
      !get_f32(env, argv[3], &o, &no, "output"))
    return NULL;
  const size_t nx = (size_t)g.n * g.h * g.w * g.ci, nf = (size_t)g.kh * g.kw * g.ci * g.co,
               ny = (size_t)g.n * g.oh * g.ow * g.co;
  int rc;
  if (which == CONV_FWD) {
    if (!need(env, na, nx, "x") || !need(env, nb, nf, "filter") || !need(env, no, ny, "y")) return NULL;
    rc = fi_conv2d(&g, a, b, o);
  } else if (which == CONV_FILTER) {
    if (!need(env, na, nx, "x") || !need(env, nb, ny, "dy") || !need(env, no, nf, "dw")) return NULL;
    rc = fi_conv2d_backprop_filter(&g, a, b, o);
  } else {
    if (!need(env, na, ny, "dy") || !need(env, nb, nf, "filter") || !need(env, no, nx, "dx")) return NULL;
    rc = fi_conv2d_backprop_input(&g, a, b, o);
  }
  if (rc != 0) napi_throw_error(env, NULL, "factor-inception native: out of memory for the column buffer");
  return NULL;
}

static napi_value conv2d(napi_env env, napi_callback_info info) { return conv(env, info, CONV_FWD); }

/* conv2dFused(sizes, x, filter, bias Float32Array | null, relu boolean, y) */
static napi_value conv2d_fused(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 6) {
    napi_throw_type_error(env, NULL, "factor-inception native: conv2dFused(sizes, x, filter, bias|null, relu, y)");
    return NULL;
  }
  fi_conv_geom g;
  if (!get_geom(env, argv[0], (int *)&g, 13)) return NULL;
  float *x, *f, *b = NULL, *y;
  size_t nx, nf, nbias = 0, ny;
  napi_valuetype bt;
  bool relu;
  CHECK(napi_typeof(env, argv[3], &bt));
  if (!get_f32(env, argv[1], &x, &nx, "x") || !get_f32(env, argv[2], &f, &nf, "filter") ||
      (bt != napi_null && !get_f32(env, argv[3], &b, &nbias, "bias")) || !get_f32(env, argv[5], &y, &ny, "y"))
    return NULL;
  CHECK(napi_get_value_bool(env, argv[4], &relu));
  if (!need(env, nx, (size_t)g.n * g.h * g.w * g.ci, "x") || !need(env, nf, (size_t)g.kh * g.kw * g.ci * g.co, "filter") ||
      (b && !need(env, nbias, (size_t)g.co, "bias")) || !need(env, ny, (size_t)g.n * g.oh * g.ow * g.co, "y"))
    return NULL;
  if (fi_conv2d_fused(&g, x, f, b, relu, y) != 0)
    napi_throw_error(env, NULL, "factor-inception native: out of memory for the column buffer");
  return NULL;
}

/* reluBiasGrad(dy, y, cols, dz, dbias Float32Array | null) */
static napi_value relu_bias_grad(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *dy, *y, *dz, *db = NULL;
  size_t ndy, nyy, ndz, ndb = 0;
  int32_t cols;
  napi_valuetype bt;
  if (argc != 5 || !get_f32(env, argv[0], &dy, &ndy, "dy") || !get_f32(env, argv[1], &y, &nyy, "y") ||
      !get_f32(env, argv[3], &dz, &ndz, "dz"))
    return NULL;
  CHECK(napi_get_value_int32(env, argv[2], &cols));
  CHECK(napi_typeof(env, argv[4], &bt));
  if (bt != napi_null && !get_f32(env, argv[4], &db, &ndb, "dbias")) return NULL;
  if (cols <= 0 || ndy % (size_t)cols != 0) {
    napi_throw_range_error(env, NULL, "factor-inception native: reluBiasGrad columns do not divide dy");
    return NULL;
  }
  if (!need(env, nyy, ndy, "y") || !need(env, ndz, ndy, "dz") || (db && !need(env, ndb, (size_t)cols, "dbias")))
    return NULL;
  fi_relu_bias_grad(dy, y, ndy / cols, (size_t)cols, dz, db);
  return NULL;
}
static napi_value conv2d_filter(napi_env env, napi_callback_info info) { return conv(env, info, CONV_FILTER); }
static napi_value conv2d_input(napi_env env, napi_callback_info info) { return conv(env, info, CONV_INPUT); }

static napi_value max_pool_grad(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fi_pool_geom g;
  if (argc != 4 || !get_geom(env, argv[0], (int *)&g, 12)) return NULL;
  float *x, *dy, *dx;
  size_t nx, ndy, ndx;
  if (!get_f32(env, argv[1], &x, &nx, "x") || !get_f32(env, argv[2], &dy, &ndy, "dy") ||
      !get_f32(env, argv[3], &dx, &ndx, "dx"))
    return NULL;
  const size_t sx = (size_t)g.n * g.h * g.w * g.c, sy = (size_t)g.n * g.oh * g.ow * g.c;
  if (!need(env, nx, sx, "x") || !need(env, ndy, sy, "dy") || !need(env, ndx, sx, "dx")) return NULL;
  fi_max_pool_grad(&g, x, dy, dx);
  return NULL;
}

/* maxPool(sizes, x, y) with the pool geometry of maxPoolGrad. */
static napi_value max_pool(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  fi_pool_geom g;
  if (argc != 3 || !get_geom(env, argv[0], (int *)&g, 12)) return NULL;
  float *x, *y;
  size_t nx, ny;
  if (!get_f32(env, argv[1], &x, &nx, "x") || !get_f32(env, argv[2], &y, &ny, "y")) return NULL;
  if (!need(env, nx, (size_t)g.n * g.h * g.w * g.c, "x") || !need(env, ny, (size_t)g.n * g.oh * g.ow * g.c, "y"))
    return NULL;
  fi_max_pool(&g, x, y);
  return NULL;
}

/* concat(ins Float32Array[], outer, inners Int32Array, out): ins[j] as [outer, inners[j]] side by side. */
static napi_value concat(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t parts;
  double outer;
  napi_typedarray_type type;
  size_t ninners, nout;
  void *ip;
  float *out;
  if (argc != 4 || napi_get_array_length(env, argv[0], &parts) != napi_ok || parts == 0 || parts > 1024 ||
      napi_get_value_double(env, argv[1], &outer) != napi_ok || outer < 0 ||
      napi_get_typedarray_info(env, argv[2], &type, &ninners, &ip, NULL, NULL) != napi_ok ||
      type != napi_int32_array || ninners != parts) {
    napi_throw_type_error(env, NULL, "factor-inception native: concat(ins, outer, inners, out) with one inner per input");
    return NULL;
  }
  if (!get_f32(env, argv[3], &out, &nout, "out")) return NULL;
  const float *ins[1024];
  size_t inners[1024], total = 0;
  for (uint32_t j = 0; j < parts; j++) {
    napi_value v;
    size_t len;
    float *p;
    CHECK(napi_get_element(env, argv[0], j, &v));
    if (((int *)ip)[j] < 0 || !get_f32(env, v, &p, &len, "concat input")) return NULL;
    inners[j] = (size_t)((int *)ip)[j];
    if (!need(env, len, (size_t)outer * inners[j], "concat input")) return NULL;
    ins[j] = p;
    total += inners[j];
  }
  if (!need(env, nout, (size_t)outer * total, "out")) return NULL;
  fi_concat(ins, (size_t)outer, inners, (int)parts, out);
  return NULL;
}

/* lrn(x, y, channels, radius, bias, alpha, beta) and lrnGrad(x, y, dy, dx, channels, radius, bias, alpha, beta). */
static napi_value lrn_common(napi_env env, napi_callback_info info, int grad) {
  size_t argc = 9;
  napi_value argv[9];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  const size_t nbuf = grad ? 4 : 2;
  if (argc != nbuf + 5) {
    napi_throw_type_error(env, NULL, "factor-inception native: wrong number of LRN arguments");
    return NULL;
  }
  float *buf[4];
  size_t len[4];
  static const char *names[4] = {"x", "y", "dy", "dx"};
  for (size_t i = 0; i < nbuf; i++)
    if (!get_f32(env, argv[i], &buf[i], &len[i], names[i])) return NULL;
  int32_t c, radius;
  double bias, alpha, beta;
  CHECK(napi_get_value_int32(env, argv[nbuf], &c));
  CHECK(napi_get_value_int32(env, argv[nbuf + 1], &radius));
  CHECK(napi_get_value_double(env, argv[nbuf + 2], &bias));
  CHECK(napi_get_value_double(env, argv[nbuf + 3], &alpha));
  CHECK(napi_get_value_double(env, argv[nbuf + 4], &beta));
  if (c <= 0 || radius < 0 || len[0] % (size_t)c != 0) {
    napi_throw_range_error(env, NULL, "factor-inception native: LRN sizes do not divide the buffer");
    return NULL;
  }
  for (size_t i = 1; i < nbuf; i++)
    if (!need(env, len[i], len[0], names[i])) return NULL;
  const size_t pixels = len[0] / c;
  if (grad)
    fi_lrn_grad(buf[0], buf[1], buf[2], buf[3], pixels, c, radius, (float)bias, (float)alpha, (float)beta);
  else
    fi_lrn(buf[0], buf[1], pixels, c, radius, (float)bias, (float)alpha, (float)beta);
  return NULL;
}

static napi_value lrn(napi_env env, napi_callback_info info) { return lrn_common(env, info, 0); }
static napi_value lrn_grad(napi_env env, napi_callback_info info) { return lrn_common(env, info, 1); }

/* sumRows(x, rows, cols, out): out[c] = sum_r x[r, c]. */
static napi_value sum_rows(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x, *out;
  size_t nx, nout;
  double rows, cols;
  if (argc != 4 || !get_f32(env, argv[0], &x, &nx, "x") || !get_f32(env, argv[3], &out, &nout, "out")) return NULL;
  CHECK(napi_get_value_double(env, argv[1], &rows));
  CHECK(napi_get_value_double(env, argv[2], &cols));
  if (rows < 0 || cols < 0 || !need(env, nx, (size_t)rows * (size_t)cols, "x") || !need(env, nout, (size_t)cols, "out"))
    return NULL;
  fi_sum_rows(x, (size_t)rows, (size_t)cols, out);
  return NULL;
}

/* split(x, outer, inner, sizes Int32Array, outs Float32Array[]): x as [outer, sum(sizes), inner] into parts. */
static napi_value split(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  float *x;
  size_t nx;
  double outer, inner;
  if (argc != 5 || !get_f32(env, argv[0], &x, &nx, "x")) return NULL;
  CHECK(napi_get_value_double(env, argv[1], &outer));
  CHECK(napi_get_value_double(env, argv[2], &inner));
  napi_typedarray_type type;
  size_t parts;
  void *sp;
  uint32_t nouts;
  if (napi_get_typedarray_info(env, argv[3], &type, &parts, &sp, NULL, NULL) != napi_ok || type != napi_int32_array ||
      napi_get_array_length(env, argv[4], &nouts) != napi_ok || nouts != parts || parts == 0 || parts > 1024 ||
      outer < 0 || inner < 0) {
    napi_throw_type_error(env, NULL, "factor-inception native: split(x, outer, inner, sizes, outs) with one out per size");
    return NULL;
  }
  const int *sizes = sp;
  float *outs[1024];
  size_t total = 0;
  for (uint32_t j = 0; j < nouts; j++) {
    napi_value v;
    size_t len;
    CHECK(napi_get_element(env, argv[4], j, &v));
    if (sizes[j] < 0 || !get_f32(env, v, &outs[j], &len, "split output")) return NULL;
    if (!need(env, len, (size_t)outer * sizes[j] * (size_t)inner, "split output")) return NULL;
    total += (size_t)sizes[j];
  }
  if (!need(env, nx, (size_t)outer * total * (size_t)inner, "x")) return NULL;
  fi_split(x, (size_t)outer, (size_t)inner, sizes, (int)parts, outs);
  return NULL;
}

/* setThreads(n[, minMacs]): OpenBLAS threads for products of at least minMacs multiply-adds (smaller: 1). */
static napi_value set_threads(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t n;
  double min_macs = -1;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1 ||
      (argc > 1 && (napi_get_value_double(env, argv[1], &min_macs) != napi_ok || min_macs < 0))) {
    napi_throw_range_error(env, NULL, "factor-inception native: setThreads(threads >= 1, minMacs >= 0)");
    return NULL;
  }
  fi_set_threads(n, min_macs);
  return NULL;
}

/* sgemmPeak(n, threads, seconds): GFLOP/s of `threads` independent n x n x n sgemms at once. */
static napi_value sgemm_peak(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], out;
  int32_t n, threads;
  double seconds;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc != 3 || napi_get_value_int32(env, argv[0], &n) != napi_ok ||
      napi_get_value_int32(env, argv[1], &threads) != napi_ok ||
      napi_get_value_double(env, argv[2], &seconds) != napi_ok || n < 16 || n > 16384 || threads < 1 ||
      threads > 256 || !(seconds >= 0 && seconds <= 60)) {
    napi_throw_range_error(env, NULL, "factor-inception native: sgemmPeak(n 16..16384, threads >= 1, seconds 0..60)");
    return NULL;
  }
  const double g = fi_sgemm_peak(n, threads, seconds);
  if (g < 0) {
    napi_throw_error(env, NULL, "factor-inception native: out of memory for sgemmPeak");
    return NULL;
  }
  CHECK(napi_create_double(env, g, &out));
  return out;
}

static napi_value blas_info(napi_env env, napi_callback_info info) {
  (void)info;
  char text[512];
  napi_value out;
  const int t = fi_get_threads();
  char name[64] = "OpenBLAS", version[64] = "?";
  sscanf(openblas_get_config(), "%63s %63s", name, version);
  snprintf(text, sizeof text, "%s %s, %s kernels, %d thread%s", name, version, openblas_get_corename(), t,
           t == 1 ? "" : "s");
  CHECK(napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &out));
  return out;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"conv2d", NULL, conv2d, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dFused", NULL, conv2d_fused, NULL, NULL, NULL, napi_enumerable, NULL},
      {"reluBiasGrad", NULL, relu_bias_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropFilter", NULL, conv2d_filter, NULL, NULL, NULL, napi_enumerable, NULL},
      {"conv2dBackpropInput", NULL, conv2d_input, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPoolGrad", NULL, max_pool_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"maxPool", NULL, max_pool, NULL, NULL, NULL, napi_enumerable, NULL},
      {"concat", NULL, concat, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lrn", NULL, lrn, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lrnGrad", NULL, lrn_grad, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sumRows", NULL, sum_rows, NULL, NULL, NULL, napi_enumerable, NULL},
      {"split", NULL, split, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreads", NULL, set_threads, NULL, NULL, NULL, napi_enumerable, NULL},
      {"info", NULL, blas_info, NULL, NULL, NULL, napi_enumerable, NULL},
      {"sgemmPeak", NULL, sgemm_peak, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  if (napi_define_properties(env, exports, sizeof props / sizeof props[0], props) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
