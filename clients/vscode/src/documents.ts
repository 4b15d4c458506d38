// Which documents are Dockerfiles. Pure (no `vscode` import); the same names as
// package.json's `contributes.languages` and `activationEvents`, which a unit test checks.

/** Exact file names that are Dockerfiles. */
export const DOCKERFILE_NAMES = ['Dockerfile', 'Containerfile'] as const;
/** File-name globs that are Dockerfiles. */
export const DOCKERFILE_PATTERNS = ['*.Dockerfile', '*.dockerfile', 'Dockerfile.*', 'Containerfile.*'] as const;

/** One glob for every Dockerfile name, in any folder. */
export const DOCKERFILE_GLOB = `**/{${[...DOCKERFILE_NAMES, ...DOCKERFILE_PATTERNS].join(',')}}`;

/**
 * The documents the language client serves. package.json adds the Dockerfile names to the
 * dockerfile language, so the language alone covers them, and a file the user associated with
 * another language (files.associations) is left alone.
 */
export const DOCUMENT_SELECTOR = [{ language: 'dockerfile' }];

/** Whether a file name (no folder) is one of the Dockerfile names (as `layerwise check` finds them). */
export function isDockerfileName(name: string): boolean {
  if (/\.dockerignore$/i.test(name)) return false; // `Dockerfile.dockerignore` is an ignore file
  return DOCKERFILE_NAMES.some((n) => n === name)
    || name.endsWith('.Dockerfile') || name.endsWith('.dockerfile')
    || name.startsWith('Dockerfile.') || name.startsWith('Containerfile.');
}
