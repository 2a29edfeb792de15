/**
 * An error about input data that a person can act on: it names the file, and where known the line and field.
 * Pure (no node built-ins) so the renderer can show it too.
 */
export class DataError extends Error {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  constructor(file: string, message: string, where: { line?: number; field?: string } = {}) {
    const loc = [
      file,
      where.line !== undefined ? `line ${where.line}` : undefined,
      where.field ? `field '${where.field}'` : undefined,
    ]
      .filter(Boolean)
      .join(', ');
    super(`${loc}: ${message}`);
    this.name = 'DataError';
    this.file = file;
    this.line = where.line;
    this.field = where.field;
  }
}

/** A configuration value that cannot be used; names the field. */
export class ConfigError extends Error {
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
    this.field = field;
  }
}
