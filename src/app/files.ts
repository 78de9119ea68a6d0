/**
 * What the server may do with local files: read CSV imports (stdio: any path the user names;
 * HTTP: only below `importRoot`) and write reports and exports into `outputDir`.
 */
export interface FileAccess {
  allowAnyPath: boolean;
  importRoot: string | null;
  outputDir: string;
}
