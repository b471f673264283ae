/** A tenant file's YAML as plain data, or its first syntax error. */
export type YamlRead = { data: unknown } | { syntax: { message: string; line?: number; col?: number } };
/** A tenant file read: its text's hash and its YAML, or why it could not be read. */
export type FileRead = { fingerprint: string; yaml: YamlRead } | { error: string };
export function readYaml(source: string): YamlRead;
export function readTenantFile(file: string): Promise<FileRead>;
