// js-yaml (a dependency of electron-builder) ships no types; the packaging test only needs load().
declare module 'js-yaml' {
  const yaml: { load(text: string): unknown };
  export default yaml;
}
