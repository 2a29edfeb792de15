/**
 * Vite plugin: ECharts-GL's compositor (claygl) turns size strings such as "expr(width * 1.0 / 4)" into code with
 * `new Function`, which the renderer's Content-Security-Policy forbids (no 'unsafe-eval'). This swaps that one
 * function for a small parser of the only forms the compositor uses: width|height|dpr [* k] [/ d], or a pair of them.
 */
import type { Plugin } from 'vite';

const SAFE = `function tryConvertExpr(string) {
    var exprRes = /^expr\\((.*)\\)$/.exec(string);
    if (!exprRes) return;
    var src = exprRes[1].trim();
    function one(e) {
        var t = /^(width|height|dpr)\\s*(?:\\*\\s*([\\d.]+))?\\s*(?:\\/\\s*([\\d.]+))?$/.exec(e.trim());
        if (!t) throw new Error('Invalid expression: ' + e);
        var k = t[2] ? +t[2] : 1, d = t[3] ? +t[3] : 1;
        return function (w, h, dpr) { return (t[1] === 'width' ? w : t[1] === 'height' ? h : dpr) * k / d; };
    }
    if (src.charAt(0) === '[') {
        var parts = src.slice(1, -1).split(',').map(one);
        return function (w, h, dpr) { return parts.map(function (f) { return f(w, h, dpr); }); };
    }
    return one(src);
}
`;

export function cspSafeClaygl(): Plugin {
  return {
    name: 'csp-safe-claygl',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').includes('/claygl/src/createCompositor.js')) return null;
      const start = code.indexOf('function tryConvertExpr(');
      const end = code.indexOf('\nexport default createCompositor');
      if (start < 0 || end < 0) throw new Error('csp-safe-claygl: claygl changed; check createCompositor.js');
      return { code: code.slice(0, start) + SAFE + code.slice(end), map: null };
    },
  };
}

/** The same parser, exported for its unit test. */
export const SAFE_TRY_CONVERT_EXPR = SAFE;
