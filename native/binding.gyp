{
  "targets": [
    {
      "target_name": "factor_inception_native",
      "sources": ["src/addon.c", "src/conv.c", "src/pool.c"],
      "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
      "cflags": ["-O3", "-std=c11", "-march=native", "-ffp-contract=off", "-fopenmp"],
      "libraries": ["-lopenblas", "-fopenmp"]
    }
  ]
}
